import { cidForLex } from '@atproto/lex-cbor';
import { jsonToLex } from '@atproto/lex-json';
import type { Facet, PostOptions, StoredEmbed } from '@chronopost/shared-schemas';

/** A blob as the PDS returned it from uploadBlob (JSON form: `{ $type: 'blob', ref: { $link }, … }`). */
export type BlobJson = { $type: 'blob'; ref: { $link: string }; mimeType: string; size: number };
export type StrongRef = { uri: string; cid: string };

export interface ItemToPublish {
  rkey: string;
  text: string;
  facets: Facet[];
  embed: StoredEmbed | null;
  langs: string[];
  labels: string[];
}

/** What publication needs resolved before records can be built. */
export interface Resolved {
  /** Handle (lower case) → DID; a mention whose handle is missing stays plain text. */
  mentions: Map<string, string>;
  /** Quoted post URI (as stored) → its strong ref. */
  quotes: Map<string, StrongRef>;
  /** Media id → uploaded blob and the image's size. */
  images: Map<string, { blob: BlobJson; width?: number | null; height?: number | null }>;
  /** Media id → the video's blob on the PDS, its display size and its caption files. */
  videos?: Map<
    string,
    { blob: BlobJson; width?: number | null; height?: number | null; captions: Array<{ lang: string; file: BlobJson }> }
  >;
}

export interface Write {
  $type: 'com.atproto.repo.applyWrites#create';
  collection: string;
  rkey: string;
  value: Record<string, unknown>;
}

export const POST_COLLECTION = 'app.bsky.feed.post';
export const THREADGATE_COLLECTION = 'app.bsky.feed.threadgate';
export const POSTGATE_COLLECTION = 'app.bsky.feed.postgate';

/** The CID the PDS will give a record: DAG-CBOR of its lexicon form, as the PDS computes it. */
export const recordCid = async (record: Record<string, unknown>): Promise<string> =>
  (await cidForLex(jsonToLex(record as never))).toString();

const facetsFor = (facets: Facet[], mentions: Map<string, string>): Array<Record<string, unknown>> =>
  facets.flatMap((facet): Array<Record<string, unknown>> => {
    const index = { byteStart: facet.byteStart, byteEnd: facet.byteEnd };
    if (facet.type === 'mention') {
      const did = mentions.get(facet.value.toLowerCase());
      return did ? [{ $type: 'app.bsky.richtext.facet', index, features: [{ $type: 'app.bsky.richtext.facet#mention', did }] }] : [];
    }
    if (facet.type === 'link')
      return [{ $type: 'app.bsky.richtext.facet', index, features: [{ $type: 'app.bsky.richtext.facet#link', uri: facet.value }] }];
    return [{ $type: 'app.bsky.richtext.facet', index, features: [{ $type: 'app.bsky.richtext.facet#tag', tag: facet.value }] }];
  });

function embedFor(embed: StoredEmbed | null, resolved: Resolved): Record<string, unknown> | undefined {
  if (!embed) return undefined;
  const images = (list: Array<{ mediaId: string; alt: string }>) => ({
    $type: 'app.bsky.embed.images',
    images: list.map((image) => {
      const uploaded = resolved.images.get(image.mediaId);
      if (!uploaded) throw new Error(`image ${image.mediaId} was not uploaded`);
      return {
        image: uploaded.blob,
        alt: image.alt,
        ...(uploaded.width && uploaded.height ? { aspectRatio: { width: uploaded.width, height: uploaded.height } } : {}),
      };
    }),
  });
  const quote = (uri: string) => {
    const ref = resolved.quotes.get(uri);
    if (!ref) throw new Error(`quote ${uri} was not resolved`);
    return { $type: 'app.bsky.embed.record', record: ref };
  };
  switch (embed.type) {
    case 'images':
      return images(embed.images);
    case 'video': {
      const video = resolved.videos?.get(embed.mediaId);
      if (!video) throw new Error(`video ${embed.mediaId} was not uploaded`);
      return {
        $type: 'app.bsky.embed.video',
        video: video.blob,
        ...(embed.alt ? { alt: embed.alt } : {}),
        ...(video.captions.length ? { captions: video.captions.map((caption) => ({ lang: caption.lang, file: caption.file })) } : {}),
        ...(video.width && video.height ? { aspectRatio: { width: video.width, height: video.height } } : {}),
      };
    }
    case 'quote':
      return quote(embed.uri);
    case 'quoteWithImages':
      return { $type: 'app.bsky.embed.recordWithMedia', record: quote(embed.uri), media: images(embed.images) };
    case 'external': {
      const thumb = embed.thumbMediaId ? resolved.images.get(embed.thumbMediaId)?.blob : undefined;
      return {
        $type: 'app.bsky.embed.external',
        external: { uri: embed.uri, title: embed.title ?? '', description: embed.description ?? '', ...(thumb ? { thumb } : {}) },
      };
    }
  }
}

const threadgateRules = (options: PostOptions) => {
  const control = options.replyControl;
  if (control.mode === 'everyone') return undefined;
  if (control.mode === 'nobody') return [];
  return control.allow.map((rule) =>
    typeof rule === 'object'
      ? { $type: 'app.bsky.feed.threadgate#listRule', list: rule.list }
      : { $type: `app.bsky.feed.threadgate#${{ mentioned: 'mentionRule', following: 'followingRule', followers: 'followerRule' }[rule]}` },
  );
};

/**
 * The records of a post or thread, in one list of creates for `applyWrites`: each item under its
 * pre-assigned record key, replies pointing at their root and parent by URI and by a CID computed
 * here (the PDS does not check those), then the threadgate and postgate of the root.
 */
export async function buildWrites(input: {
  did: string;
  items: ItemToPublish[];
  options: PostOptions;
  resolved: Resolved;
  /** The root's `createdAt`; each reply is a millisecond later, so clients that sort by it keep the order. */
  createdAt: Date;
}): Promise<{ writes: Write[]; records: StrongRef[] }> {
  const writes: Write[] = [];
  const records: StrongRef[] = [];
  const createdAt = input.createdAt.toISOString();
  for (const [index, item] of input.items.entries()) {
    const facets = facetsFor(item.facets, input.resolved.mentions);
    const embed = embedFor(item.embed, input.resolved);
    const [root, parent] = [records[0], records.at(-1)];
    const value: Record<string, unknown> = {
      $type: POST_COLLECTION,
      text: item.text,
      createdAt: new Date(input.createdAt.getTime() + index).toISOString(),
      ...(facets.length ? { facets } : {}),
      ...(embed ? { embed } : {}),
      ...(item.langs.length ? { langs: item.langs } : {}),
      ...(item.labels.length
        ? { labels: { $type: 'com.atproto.label.defs#selfLabels', values: item.labels.map((val) => ({ val })) } }
        : {}),
      ...(root && parent ? { reply: { root, parent } } : {}),
    };
    const uri = `at://${input.did}/${POST_COLLECTION}/${item.rkey}`;
    records.push({ uri, cid: await recordCid(value) });
    writes.push({ $type: 'com.atproto.repo.applyWrites#create', collection: POST_COLLECTION, rkey: item.rkey, value });
  }
  const root = input.items[0]!;
  const rootUri = records[0]!.uri;
  const allow = threadgateRules(input.options);
  if (allow) {
    writes.push({
      $type: 'com.atproto.repo.applyWrites#create',
      collection: THREADGATE_COLLECTION,
      rkey: root.rkey,
      value: { $type: THREADGATE_COLLECTION, post: rootUri, allow, createdAt },
    });
  }
  if (!input.options.quoteControl.allowQuotes) {
    writes.push({
      $type: 'com.atproto.repo.applyWrites#create',
      collection: POSTGATE_COLLECTION,
      rkey: root.rkey,
      value: { $type: POSTGATE_COLLECTION, post: rootUri, embeddingRules: [{ $type: 'app.bsky.feed.postgate#disableRule' }], createdAt },
    });
  }
  return { writes, records };
}
