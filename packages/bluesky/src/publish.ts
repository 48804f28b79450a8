import { AtUri } from '@atproto/syntax';
import { tid, tidTimestampMicros } from '@chronopost/core';
import { XRPCError } from '@atproto/xrpc';
import { type HeldRequest, holdRequest } from './held-request';
import type { IdentityResolver } from './identity';
import { normalizePdsUrl } from './profile';
import { PublishError } from './publish-errors';
import { type BlobJson, POST_COLLECTION, type StrongRef, type Write } from './records';
import { type PdsSession, xrpcProcedure, xrpcQuery } from './xrpc';

type Fetch = typeof globalThis.fetch;

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

/** A quoted post's strong ref, read from its author's PDS. A post that is gone fails the publication. */
export async function resolveQuote(resolver: IdentityResolver, fetchImpl: Fetch, uri: string): Promise<StrongRef> {
  let parsed: AtUri;
  try {
    parsed = new AtUri(uri);
  } catch {
    throw new PublishError('validation', { code: 'quote_not_post', params: { uri } });
  }
  if (parsed.collection !== POST_COLLECTION || !parsed.rkey)
    throw new PublishError('validation', { code: 'quote_not_post', params: { uri } });
  const { rkey } = parsed;
  let did: string;
  let pds: string | undefined;
  try {
    const info = await resolver.resolve(parsed.host);
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
export const uploadImage = (session: PdsSession, bytes: Uint8Array, mimeType: string): Promise<BlobJson> =>
  uploadBlob(session, bytes, mimeType);

/**
 * Uploads a larger blob (a video, as it is) to the author's PDS within `timeoutMs` (what is left of
 * the invocation). The PDS fetch's own 15 s limit per request (network.ts) still applies: a video
 * that cannot be sent in that time fails as a network error and is retried.
 */
export const uploadLargeBlob = (session: PdsSession, bytes: Uint8Array, mimeType: string, timeoutMs: number): Promise<BlobJson> =>
  uploadBlob(session, bytes, mimeType, AbortSignal.timeout(timeoutMs));

/** `com.atproto.repo.uploadBlob`, checked to answer a blob reference. */
export async function uploadBlob(session: PdsSession, bytes: Uint8Array, mimeType: string, signal?: AbortSignal): Promise<BlobJson> {
  const { blob } = await xrpcProcedure<{ blob?: BlobJson }>(
    session,
    'com.atproto.repo.uploadBlob',
    { bytes, encoding: mimeType },
    signal ? { signal } : {},
  );
  if (blob?.$type !== 'blob' || typeof blob.ref?.$link !== 'string') {
    throw new XRPCError(2, 'InvalidResponse', 'uploadBlob answered without a blob reference');
  }
  return blob;
}

/**
 * Writes the records in one `com.atproto.repo.applyWrites`: the PDS commits all of them or none,
 * in the order given, so a thread is never half-published. Lexicon validation is required, so a
 * record the network would reject fails here, not later.
 */
export async function writeRecords(session: PdsSession, did: string, writes: Write[]): Promise<StrongRef[]> {
  const data = await xrpcProcedure<{ results?: unknown[] }>(session, 'com.atproto.repo.applyWrites', {
    json: { repo: did, validate: true, writes },
  });
  return (data.results ?? []).map((result) => {
    const created = result as { uri?: string; cid?: string };
    return { uri: created.uri ?? '', cid: created.cid ?? '' };
  });
}

/** A session as `@atproto/oauth-client`'s `OAuthSession` is: its server agent's DPoP nonces, per origin. */
export interface NonceHoldingSession extends PdsSession {
  readonly server: { readonly dpopNonces: { get(origin: string): PromiseLike<string | undefined> | string | undefined } };
}

/**
 * Has the session hold a DPoP nonce of its PDS, getting one now if it holds none, so that a write
 * made later is not refused with `use_dpop_nonce` and sent again (a 401 and a second round trip,
 * at the second). The OAuth client keeps a server's nonce 60 s from when it stored it, and stores
 * one only when the server changes it (`@atproto/oauth-client` 0.8.7: `dpopNonceCache`,
 * fetch-dpop.js): a publisher that has not talked to a PDS for a minute has none. A PDS accepts a
 * nonce it gave for two to three minutes (`@atproto/oauth-provider` rotates every minute, hands out
 * the next minute's nonce and accepts the previous, current and next).
 * One authenticated read (`com.atproto.server.getSession`) gets one, shared by the posts that need
 * one from the same PDS at the same time; if it fails, the write does what it would have done
 * anyway.
 */
export async function ensureDpopNonce(session: NonceHoldingSession, pdsUrl: string): Promise<void> {
  const origin = new URL(normalizePdsUrl(pdsUrl)).origin;
  const store = session.server.dpopNonces;
  if (await Promise.resolve(store.get(origin)).catch(() => undefined)) return;
  // Posts of one batch on one PDS share a read: the store is the client's, for every session.
  let reads = nonceReads.get(store);
  if (!reads) nonceReads.set(store, (reads = new Map<string, Promise<void>>()));
  let read = reads.get(origin);
  if (!read) {
    read = xrpcQuery(session, 'com.atproto.server.getSession')
      .then(() => undefined)
      .catch(() => undefined)
      .finally(() => reads.delete(origin));
    reads.set(origin, read);
  }
  await read;
}

/** The nonce reads under way, per nonce store and origin (see `ensureDpopNonce`). */
const nonceReads = new WeakMap<object, Map<string, Promise<void>>>();

/**
 * `writeRecords`, made now and sent at `release()` (see `holdRequest`): the publisher makes its
 * write just before the second, so that at the second only the request itself is left to send.
 */
export const holdWriteRecords = (session: PdsSession, did: string, writes: Write[], now?: () => Date): HeldRequest<StrongRef[]> =>
  holdRequest({ method: 'POST', pathname: '/xrpc/com.atproto.repo.applyWrites' }, () => writeRecords(session, did, writes), now);

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A CIDv1 in its usual string form (`b` + base32, as PDSes write them) as bytes. */
function cidBytes(cid: string): Uint8Array | undefined {
  if (!/^b[a-z2-7]+$/.test(cid)) return undefined;
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of cid.slice(1)) {
    value = (value << 5) | BASE32.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Uint8Array.from(out);
}

/** Whether a CAR (v1) holds a block keyed by `cid`: the block keys, not links inside other blocks. */
export function carHasBlock(car: Uint8Array, cid: Uint8Array): boolean {
  let offset = 0;
  const varint = () => {
    let result = 0;
    for (let shift = 0; shift < 56; shift += 7) {
      const byte = car[offset++];
      if (byte === undefined) throw new RangeError('truncated CAR');
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
    }
    throw new RangeError('bad varint in CAR');
  };
  const header = varint();
  offset += header;
  while (offset < car.length) {
    const length = varint();
    const start = offset;
    // CIDv1: version, codec, then the multihash (code, digest length, digest).
    varint();
    varint();
    varint();
    const digest = varint();
    const end = offset + digest;
    if (end - start === cid.length && car.subarray(start, end).every((byte, index) => byte === cid[index])) return true;
    offset = start + length;
  }
  return false;
}

/**
 * When a record was written: the time of the repository commit that added it, read from that
 * commit's `rev` (a TID). A PDS serves the blocks a repository gained after any rev
 * (`com.atproto.sync.getRepo?since=`), so the record's block is in the diff after a time exactly
 * when it was written after it: the latest commit is asked first (a post is usually the last
 * thing its account wrote), then the time is narrowed down to the millisecond. Undefined when the
 * PDS cannot say (the caller falls back to the time it noticed).
 */
export async function recordWrittenAt(
  fetchImpl: Fetch,
  target: { did: string; pdsUrl: string },
  recordCid: string,
  notBefore: Date,
): Promise<Date | undefined> {
  const cid = cidBytes(recordCid);
  if (!cid) return undefined;
  const base = normalizePdsUrl(target.pdsUrl);
  const latest = await fetchImpl(`${base}/xrpc/com.atproto.sync.getLatestCommit?did=${encodeURIComponent(target.did)}`);
  if (!latest.ok) return undefined;
  const latestMicros = tidTimestampMicros(((await latest.json()) as { rev?: string }).rev ?? '');
  if (latestMicros === undefined) return undefined;
  const writtenAfter = async (micros: number) => {
    const response = await fetchImpl(
      `${base}/xrpc/com.atproto.sync.getRepo?did=${encodeURIComponent(target.did)}&since=${tid(Math.max(0, micros), 0)}`,
    );
    if (!response.ok) throw new Error(`getRepo answered ${response.status}`);
    return carHasBlock(new Uint8Array(await response.arrayBuffer()), cid);
  };
  try {
    if (await writtenAfter(latestMicros - 1)) return new Date(Math.floor(latestMicros / 1000));
    // Written earlier: after `low`, not after `high`; halve the interval down to a millisecond.
    let low = notBefore.getTime() * 1000;
    let high = latestMicros - 1;
    if (!(await writtenAfter(low))) return undefined;
    for (let step = 0; high - low > 1000 && step < 40; step += 1) {
      const middle = Math.floor((low + high) / 2);
      if (await writtenAfter(middle)) low = middle;
      else high = middle;
    }
    return new Date(Math.floor(high / 1000));
  } catch {
    return undefined;
  }
}
