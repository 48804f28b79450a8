import type { Agent } from '@atproto/api';
import type { NodeOAuthClient } from '@atproto/oauth-client-node';
import { XRPCError } from '@atproto/xrpc';
import { normalizePdsUrl } from './profile';
import { PublishError } from './publish-errors';
import { type BlobJson, POST_COLLECTION, type StrongRef, type Write } from './records';

type Fetch = typeof globalThis.fetch;
type IdentityResolver = NodeOAuthClient['identityResolver'];

export interface FoundRecord {
  uri: string;
  cid: string;
  value: Record<string, unknown>;
}

/**
 * One record from a PDS (`com.atproto.repo.getRecord` is public, so no token is spent), or
 * undefined when the PDS says it does not exist. Other answers throw an `XRPCError`, so they
 * classify like any other call.
 */
export async function getRecord(
  fetchImpl: Fetch,
  pdsUrl: string,
  ref: { repo: string; collection: string; rkey: string },
): Promise<FoundRecord | undefined> {
  const url = new URL(`${normalizePdsUrl(pdsUrl)}/xrpc/com.atproto.repo.getRecord`);
  url.searchParams.set('repo', ref.repo);
  url.searchParams.set('collection', ref.collection);
  url.searchParams.set('rkey', ref.rkey);
  const response = await fetchImpl(url, { headers: { accept: 'application/json' } });
  const body = (await response.json().catch(() => ({}))) as {
    uri?: string;
    cid?: string;
    value?: Record<string, unknown>;
    error?: string;
    message?: string;
  };
  if (response.ok && body.uri && body.cid && body.value) return { uri: body.uri, cid: body.cid, value: body.value };
  if (response.status === 400 && body.error === 'RecordNotFound') return undefined;
  throw new XRPCError(response.status, body.error, body.message, Object.fromEntries(response.headers));
}

/**
 * Whether an earlier attempt already wrote this post: the thread was written in one `applyWrites`,
 * so its root record stands for all of it. The root must carry the text we would write (record
 * keys are ours, but a foreign record under one must never pass for ours). Returns each item's
 * URI and CID (null for a reply deleted since), or undefined when nothing was written.
 */
export async function findPublishedRecords(
  fetchImpl: Fetch,
  target: { did: string; pdsUrl: string },
  items: Array<{ rkey: string; text: string }>,
): Promise<Array<{ uri: string; cid: string | null }> | undefined> {
  const [root, ...replies] = items;
  if (!root) return undefined;
  const found = await getRecord(fetchImpl, target.pdsUrl, { repo: target.did, collection: POST_COLLECTION, rkey: root.rkey });
  if (!found) return undefined;
  if (found.value.text !== root.text) {
    throw new PublishError('validation', { code: 'record_key_taken' });
  }
  const rest = await Promise.all(
    replies.map((item) => getRecord(fetchImpl, target.pdsUrl, { repo: target.did, collection: POST_COLLECTION, rkey: item.rkey })),
  );
  return [
    { uri: found.uri, cid: found.cid },
    ...replies.map((item, index) => ({ uri: `at://${target.did}/${POST_COLLECTION}/${item.rkey}`, cid: rest[index]?.cid ?? null })),
  ];
}

/** The PDS that hosts a DID, from its DID document. */
function pdsEndpoint(didDoc: { service?: Array<{ id: string; type: string; serviceEndpoint: unknown }> }): string | undefined {
  const service = didDoc.service?.find((entry) => entry.id.endsWith('#atproto_pds') && entry.type === 'AtprotoPersonalDataServer');
  return typeof service?.serviceEndpoint === 'string' ? service.serviceEndpoint : undefined;
}

/**
 * Handles to DIDs, verified both ways by the identity resolver. A handle that does not resolve
 * is left out: its mention stays plain text, as in the Bluesky app.
 */
export async function resolveMentions(resolver: IdentityResolver, handles: string[], timeoutMs = 3_000): Promise<Map<string, string>> {
  const unique = [...new Set(handles.map((handle) => handle.toLowerCase()))];
  const resolved = await Promise.all(
    unique.map(async (handle) => {
      try {
        const info = await resolver.resolve(handle, { signal: AbortSignal.timeout(timeoutMs) });
        return [handle, info.did] as const;
      } catch {
        return [handle, undefined] as const;
      }
    }),
  );
  const found = new Map<string, string>();
  for (const [handle, did] of resolved) if (did) found.set(handle, did);
  return found;
}

const QUOTED = /^at:\/\/([^/]+)\/app\.bsky\.feed\.post\/([^/]+)$/;

/** A quoted post's strong ref, read from its author's PDS. A post that is gone fails the publication. */
export async function resolveQuote(resolver: IdentityResolver, fetchImpl: Fetch, uri: string): Promise<StrongRef> {
  const match = QUOTED.exec(uri);
  if (!match) throw new PublishError('validation', { code: 'quote_not_post', params: { uri } });
  const [, authority, rkey] = match as unknown as [string, string, string];
  let did: string;
  let pds: string | undefined;
  try {
    const info = await resolver.resolve(decodeURIComponent(authority));
    did = info.did;
    pds = pdsEndpoint(info.didDoc as never);
  } catch (error) {
    if (error instanceof TypeError || (error instanceof Error && /fetch|network|timeout/i.test(`${error.name} ${error.message}`)))
      throw error;
    throw new PublishError('validation', { code: 'quote_account_not_found' });
  }
  if (!pds) throw new PublishError('validation', { code: 'quote_account_no_pds' });
  const record = await getRecord(fetchImpl, pds, { repo: did, collection: POST_COLLECTION, rkey });
  if (!record) throw new PublishError('validation', { code: 'quote_gone' });
  return { uri: record.uri, cid: record.cid };
}

/** Uploads one image to the author's PDS; the blob is referenced by the post record written next. */
export async function uploadImage(agent: Agent, bytes: Uint8Array, mimeType: string): Promise<BlobJson> {
  const { data } = await agent.com.atproto.repo.uploadBlob(bytes, { encoding: mimeType });
  return data.blob.toJSON() as BlobJson;
}

/**
 * Writes the records in one `com.atproto.repo.applyWrites`: the PDS commits all of them or none,
 * in the order given, so a thread is never half-published. Lexicon validation is required, so a
 * record the network would reject fails here, not later.
 */
export async function writeRecords(agent: Agent, did: string, writes: Write[]): Promise<StrongRef[]> {
  const { data } = await agent.com.atproto.repo.applyWrites({ repo: did, validate: true, writes });
  return (data.results ?? []).map((result) => {
    const created = result as { uri?: string; cid?: string };
    return { uri: created.uri ?? '', cid: created.cid ?? '' };
  });
}
