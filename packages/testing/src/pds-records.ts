import { expect } from 'vitest';
import { testEnvironment } from './environment';

/**
 * A record's value: arbitrary lexicon JSON that tests assert on at once (as test files may use
 * `any` for JSON bodies, see eslint.config.js).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RecordValue = Record<string, any>;

/** What the PDS holds, read the way any client would (public XRPC, no token). */
export async function getRecord(repo: string, collection: string, rkey: string) {
  const url = new URL('/xrpc/com.atproto.repo.getRecord', testEnvironment().pdsUrl);
  url.search = new URLSearchParams({ repo, collection, rkey }).toString();
  const response = await fetch(url);
  if (response.status === 400) return undefined;
  expect(response.status).toBe(200);
  return (await response.json()) as { uri: string; cid: string; value: RecordValue };
}

/** The account's posts on the PDS, newest first. */
export async function listPosts(repo: string) {
  const url = new URL('/xrpc/com.atproto.repo.listRecords', testEnvironment().pdsUrl);
  url.search = new URLSearchParams({ repo, collection: 'app.bsky.feed.post', limit: '100' }).toString();
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return ((await response.json()) as { records: Array<{ uri: string; cid: string; value: RecordValue }> }).records;
}

/** A blob as the PDS serves it. */
export async function getBlob(did: string, cid: string): Promise<Buffer> {
  const url = new URL('/xrpc/com.atproto.sync.getBlob', testEnvironment().pdsUrl);
  url.search = new URLSearchParams({ did, cid }).toString();
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

/** Deletes a record as its author would in a Bluesky app (a password session on the PDS). */
export async function deleteRecordAsAuthor(
  author: { did: string; handle: string; password: string },
  collection: string,
  rkey: string,
): Promise<void> {
  const pds = testEnvironment().pdsUrl;
  const session = await fetch(new URL('/xrpc/com.atproto.server.createSession', pds), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier: author.handle, password: author.password }),
  });
  expect(session.status).toBe(200);
  const { accessJwt } = (await session.json()) as { accessJwt: string };
  const deleted = await fetch(new URL('/xrpc/com.atproto.repo.deleteRecord', pds), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessJwt}` },
    body: JSON.stringify({ repo: author.did, collection, rkey }),
  });
  expect(deleted.status, await deleted.clone().text()).toBe(200);
}
