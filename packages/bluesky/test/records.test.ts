import { describe, expect, it } from 'vitest';
import { buildWrites, type ItemToPublish, recordCid, type Resolved } from '../src';

const did = 'did:plc:author';
const item = (rkey: string, text: string, extra: Partial<ItemToPublish> = {}): ItemToPublish => ({
  rkey,
  text,
  facets: [],
  embed: null,
  langs: [],
  labels: [],
  ...extra,
});
const nothingResolved: Resolved = { mentions: new Map(), quotes: new Map(), images: new Map() };
const everyone = { replyControl: { mode: 'everyone' as const }, quoteControl: { allowQuotes: true } };
const createdAt = new Date('2026-11-22T12:00:00.000Z');

describe('building records', () => {
  it('chains a thread: every reply points at the root and its parent by the CID of that record', async () => {
    const { writes, records } = await buildWrites({
      did,
      items: [item('3kaaaaaaaaa22', 'one'), item('3kaaaaaaaaa23', 'two'), item('3kaaaaaaaaa24', 'three')],
      options: everyone,
      resolved: nothingResolved,
      createdAt,
    });
    expect(writes.map((write) => [write.collection, write.rkey])).toEqual([
      ['app.bsky.feed.post', '3kaaaaaaaaa22'],
      ['app.bsky.feed.post', '3kaaaaaaaaa23'],
      ['app.bsky.feed.post', '3kaaaaaaaaa24'],
    ]);
    // Each CID is the one of the record as written (what the PDS will compute).
    for (const [index, write] of writes.entries()) expect(records[index]!.cid).toBe(await recordCid(write.value));
    expect(writes[0]!.value.reply).toBeUndefined();
    expect(writes[1]!.value.reply).toEqual({ root: records[0], parent: records[0] });
    expect(writes[2]!.value.reply).toEqual({ root: records[0], parent: records[1] });
    expect(writes.map((write) => write.value.createdAt)).toEqual([
      '2026-11-22T12:00:00.000Z',
      '2026-11-22T12:00:00.001Z',
      '2026-11-22T12:00:00.002Z',
    ]);
    expect(records[2]!.uri).toBe(`at://${did}/app.bsky.feed.post/3kaaaaaaaaa24`);
  });

  it('gives a record another CID when any byte of it differs', async () => {
    const base = { $type: 'app.bsky.feed.post', text: 'same', createdAt: createdAt.toISOString() };
    expect(await recordCid(base)).toBe(await recordCid({ ...base }));
    expect(await recordCid(base)).not.toBe(await recordCid({ ...base, text: 'same ' }));
  });

  it('turns detected facets into Bluesky facets, leaving unresolved mentions as plain text', async () => {
    const text = '@known.test and @ghost.test #tag https://example.com';
    const { writes } = await buildWrites({
      did,
      items: [
        item('3kaaaaaaaaa32', text, {
          facets: [
            { byteStart: 0, byteEnd: 11, type: 'mention', value: 'Known.test' },
            { byteStart: 16, byteEnd: 27, type: 'mention', value: 'ghost.test' },
            { byteStart: 28, byteEnd: 32, type: 'tag', value: 'tag' },
            { byteStart: 33, byteEnd: 52, type: 'link', value: 'https://example.com' },
          ],
        }),
      ],
      options: everyone,
      resolved: { ...nothingResolved, mentions: new Map([['known.test', 'did:plc:known']]) },
      createdAt,
    });
    expect(writes[0]!.value.facets).toEqual([
      {
        $type: 'app.bsky.richtext.facet',
        index: { byteStart: 0, byteEnd: 11 },
        features: [{ $type: 'app.bsky.richtext.facet#mention', did: 'did:plc:known' }],
      },
      {
        $type: 'app.bsky.richtext.facet',
        index: { byteStart: 28, byteEnd: 32 },
        features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'tag' }],
      },
      {
        $type: 'app.bsky.richtext.facet',
        index: { byteStart: 33, byteEnd: 52 },
        features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://example.com' }],
      },
    ]);
  });

  it('writes a threadgate and a postgate for the root only when asked', async () => {
    const list = 'at://did:plc:author/app.bsky.graph.list/3kaaaaaaaaa99';
    const gated = await buildWrites({
      did,
      items: [item('3kaaaaaaaaa42', 'root'), item('3kaaaaaaaaa43', 'reply')],
      options: { replyControl: { mode: 'limited', allow: ['followers', { list }] }, quoteControl: { allowQuotes: false } },
      resolved: nothingResolved,
      createdAt,
    });
    const root = gated.records[0]!.uri;
    expect(gated.writes.slice(2)).toEqual([
      {
        $type: 'com.atproto.repo.applyWrites#create',
        collection: 'app.bsky.feed.threadgate',
        rkey: '3kaaaaaaaaa42',
        value: {
          $type: 'app.bsky.feed.threadgate',
          post: root,
          allow: [{ $type: 'app.bsky.feed.threadgate#followerRule' }, { $type: 'app.bsky.feed.threadgate#listRule', list }],
          createdAt: createdAt.toISOString(),
        },
      },
      {
        $type: 'com.atproto.repo.applyWrites#create',
        collection: 'app.bsky.feed.postgate',
        rkey: '3kaaaaaaaaa42',
        value: {
          $type: 'app.bsky.feed.postgate',
          post: root,
          embeddingRules: [{ $type: 'app.bsky.feed.postgate#disableRule' }],
          createdAt: createdAt.toISOString(),
        },
      },
    ]);
    const nobody = await buildWrites({
      did,
      items: [item('3kaaaaaaaaa52', 'x')],
      options: { ...everyone, replyControl: { mode: 'nobody' } },
      resolved: nothingResolved,
      createdAt,
    });
    expect(nobody.writes[1]!.value.allow).toEqual([]);
    const open = await buildWrites({ did, items: [item('3kaaaaaaaaa62', 'x')], options: everyone, resolved: nothingResolved, createdAt });
    expect(open.writes).toHaveLength(1);
  });

  it('refuses to build a post whose image or quote was not prepared', async () => {
    const images = { type: 'images' as const, images: [{ mediaId: '00000000-0000-4000-8000-000000000001', alt: 'x' }] };
    await expect(
      buildWrites({ did, items: [item('3kaaaaaaaaa72', 'x', { embed: images })], options: everyone, resolved: nothingResolved, createdAt }),
    ).rejects.toThrow(/not uploaded/);
  });
});
