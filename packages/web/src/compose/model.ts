import {
  type AccountSettings,
  type CreatePostInput,
  DEFAULT_LATE_GRACE_SECONDS,
  type Embed,
  graphemeLength,
  type Post,
  type PostOptions,
  type SelfLabel,
  type StoredEmbed,
} from '@chronopost/shared-schemas';
import { apiTime } from './time';

/**
 * The composer's state and its translation to and from the API's bodies. The rules that decide
 * whether a post is publishable are the API's own zod schemas, run while the user types by
 * ./validation (a chunk of its own, loaded once the composer shows: see ./validator).
 */
/** An image of a post: its upload's progress and state, and its alt text. */
export interface ImageDraft {
  /** Stable from the moment the file is picked (the media id comes later). */
  key: string;
  mediaId?: string;
  alt: string;
  name: string;
  /** `sending`: to storage (`progress` 0–1); then the media Lambda's states; `failed`: the upload itself failed. */
  status: 'sending' | 'processing' | 'ready' | 'rejected' | 'failed';
  progress?: number;
  previewUrl?: string;
  width?: number;
  height?: number;
  /** Why it was rejected (the API's code). */
  reason?: { code: string; params: Record<string, unknown> };
  notes?: string[];
}

/** A video's captions in one language (a WebVTT file), as stored with the upload. */
export interface CaptionDraft {
  lang: string;
  /** The file's name when picked here (a saved post's captions have none). */
  name?: string;
  bytes?: number;
  /** The picked file as an object URL: the player shows it (a saved post's captions live only on the server). */
  url?: string;
  /** `saving`: on its way to the API; `refused`/`failed`: not stored (the reason beside the field). */
  status: 'saving' | 'saved' | 'refused' | 'failed';
}

/** A post's video: its upload's progress and check, its alt text and captions. */
export interface VideoDraft {
  key: string;
  mediaId?: string;
  alt: string;
  name: string;
  /** As an image's: `sending` to storage, then the media Lambda's check (`processing` → `ready`/`rejected`). */
  status: ImageDraft['status'];
  progress?: number;
  previewUrl?: string;
  width?: number;
  height?: number;
  bytes?: number;
  durationMs?: number;
  /** Why it was refused (the API's code): by the API when it was declared, or by the check. */
  reason?: { code: string; params: Record<string, unknown> };
  captions: CaptionDraft[];
}

/** A link card, from `POST /link-preview`. */
export interface LinkCardDraft {
  uri: string;
  title?: string;
  description?: string;
  thumbMediaId?: string;
  thumbUrl?: string;
}

export interface ItemDraft {
  /** Stable across reorders (a key for the list, an id for labels). */
  key: string;
  text: string;
  /** A post to quote, as typed (its bsky.app link or at:// URI); undefined: not quoting. */
  quote?: string;
  images: ImageDraft[];
  link?: LinkCardDraft;
  /** One video, never with images (as Bluesky: a post embeds images or a video). */
  video?: VideoDraft;
  /** A link whose card the user removed: not offered again. */
  dismissedLink?: string;
}

export type ReplyMode = 'everyone' | 'nobody' | 'limited';

export interface ComposerState {
  items: ItemDraft[];
  langs: string[];
  labels: SelfLabel[];
  reply: { mode: ReplyMode; mentioned: boolean; following: boolean; followers: boolean; list: string };
  allowQuotes: boolean;
  date: string;
  time: string;
  timeZone: string;
  late: { mode: 'skip' | 'publish'; graceSeconds: number };
}

let counter = 0;
export const newItem = (text = ''): ItemDraft => ({ key: `item-${Date.now().toString(36)}-${counter++}`, text, images: [] });

/** The browser's first language as a Bluesky language tag (`ja-JP` → `ja`), as the Bluesky app does. */
export function defaultLanguages(browser: readonly string[]): string[] {
  const tags = browser.map((tag) => tag.split('-')[0]!.toLowerCase()).filter((tag) => /^[a-z]{2,3}$/.test(tag));
  return tags.slice(0, 1);
}

export function emptyState(options: { langs: string[]; timeZone: string; date: string; time: string }): ComposerState {
  return {
    items: [newItem()],
    langs: options.langs,
    labels: [],
    reply: { mode: 'everyone', mentioned: true, following: true, followers: false, list: '' },
    allowQuotes: true,
    date: options.date,
    time: options.time,
    timeZone: options.timeZone,
    late: { mode: 'skip', graceSeconds: DEFAULT_LATE_GRACE_SECONDS },
  };
}

export function embedOf(item: ItemDraft): Embed | undefined {
  const quote = item.quote?.trim() || undefined;
  const images = item.images.flatMap((image) => (image.mediaId ? [{ mediaId: image.mediaId, alt: image.alt }] : []));
  if (quote && images.length > 0) return { type: 'quoteWithImages', uri: quote, images };
  if (quote) return { type: 'quote', uri: quote };
  if (images.length > 0) return { type: 'images', images };
  if (item.video?.mediaId) return { type: 'video', mediaId: item.video.mediaId, alt: item.video.alt };
  if (item.link) {
    const { uri, title, description, thumbMediaId } = item.link;
    return {
      type: 'external',
      uri,
      ...(title ? { title } : {}),
      ...(description ? { description } : {}),
      ...(thumbMediaId ? { thumbMediaId } : {}),
    };
  }
  return undefined;
}

export const itemBody = (item: ItemDraft, state: ComposerState) => {
  const embed = embedOf(item);
  return { text: item.text, langs: state.langs, labels: state.labels, ...(embed ? { embed } : {}) };
};

/** Who may reply and quote, as the API takes it (posts and the account's defaults alike). */
export function options(state: Pick<ComposerState, 'reply' | 'allowQuotes'>): NonNullable<CreatePostInput['options']> {
  const { reply } = state;
  const allow = [
    ...(reply.mentioned ? (['mentioned'] as const) : []),
    ...(reply.following ? (['following'] as const) : []),
    ...(reply.followers ? (['followers'] as const) : []),
    ...(reply.list.trim() ? [{ list: reply.list.trim() }] : []),
  ];
  return {
    replyControl: reply.mode === 'limited' ? { mode: 'limited', allow } : { mode: reply.mode },
    quoteControl: { allowQuotes: state.allowQuotes },
  };
}

/** `POST /posts` (and `PATCH`) as the composer sends it: a draft without a time, or scheduled at the picked wall time. */
export function requestBody(state: ComposerState, schedule: boolean): CreatePostInput {
  return {
    items: state.items.map((item) => itemBody(item, state)),
    scheduledAt: schedule ? apiTime(state.date, state.time, state.timeZone) : null,
    latePolicy: { mode: state.late.mode, graceSeconds: state.late.graceSeconds },
    options: options(state),
  };
}

export interface Problem {
  /** Where: `items.0.text`, `scheduledAt`, `options.replyControl.allow`, … (the API's paths). */
  path: string;
  code: string;
  params?: Record<string, unknown>;
}

/** Images and a video that cannot be posted as they are: still on their way to storage, refused, or lost. */
export function imageProblems(item: ItemDraft): Problem[] {
  const images = item.images.flatMap((image) =>
    image.status === 'sending'
      ? [{ path: 'embed.images', code: 'image_uploading' }]
      : image.status === 'rejected'
        ? [{ path: 'embed.images', code: 'image_refused' }]
        : image.status === 'failed'
          ? [{ path: 'embed.images', code: 'image_upload_failed' }]
          : [],
  );
  const video = item.video;
  const videoProblems =
    !video || video.status === 'processing' || video.status === 'ready'
      ? []
      : [
          {
            path: 'embed.video',
            code: `video_${video.status === 'sending' ? 'uploading' : video.status === 'rejected' ? 'refused' : 'upload_failed'}`,
          },
        ];
  const captions = video?.captions.some((caption) => caption.status === 'saving') ? [{ path: 'embed.video', code: 'captions_saving' }] : [];
  return [...images, ...videoProblems, ...captions];
}

export const graphemes = graphemeLength;

const savedImage = (image: { mediaId: string; alt: string }): ImageDraft => ({
  key: image.mediaId,
  mediaId: image.mediaId,
  alt: image.alt,
  name: '',
  // Its preview and state are asked again when shown.
  status: 'processing',
});

const storedToDraft = (embed: StoredEmbed | null): Pick<ItemDraft, 'quote' | 'images' | 'link' | 'video'> => {
  if (!embed) return { images: [] };
  switch (embed.type) {
    case 'quote':
      return { quote: embed.uri, images: [] };
    case 'quoteWithImages':
      return { quote: embed.uri, images: embed.images.map(savedImage) };
    case 'images':
      return { images: embed.images.map(savedImage) };
    case 'external':
      return { images: [], link: embed };
    case 'video':
      // Its check, preview and captions are asked again when shown (the alt text too, if the post kept none).
      return {
        images: [],
        video: { key: embed.mediaId, mediaId: embed.mediaId, alt: embed.alt ?? '', name: '', status: 'processing', captions: [] },
      };
  }
};

/** Stored reply and quote controls (a post's, or the account's defaults) as the composer edits them. */
export function interactionDraft(saved: Pick<PostOptions, 'replyControl' | 'quoteControl'>): Pick<ComposerState, 'reply' | 'allowQuotes'> {
  const { replyControl, quoteControl } = saved;
  const allow = replyControl.mode === 'limited' ? replyControl.allow : [];
  const list = allow.find((rule): rule is { list: string } => typeof rule === 'object');
  return {
    reply: {
      mode: replyControl.mode,
      mentioned: replyControl.mode !== 'limited' || allow.includes('mentioned'),
      following: replyControl.mode !== 'limited' || allow.includes('following'),
      followers: allow.includes('followers'),
      list: list?.list ?? '',
    },
    allowQuotes: quoteControl.allowQuotes,
  };
}

/** A new post starts from the account's saved defaults (settings), when it saved any. */
export function withDefaults(state: ComposerState, defaults: AccountSettings | undefined): ComposerState {
  if (!defaults) return state;
  return {
    ...state,
    langs: defaults.languages,
    ...interactionDraft(defaults),
    late: { mode: defaults.latePolicy.mode, graceSeconds: defaults.latePolicy.graceSeconds },
  };
}

/** A saved post (a draft or a scheduled post being edited) back into the composer. */
export function fromPost(post: Post, wall: { date: string; time: string; timeZone: string }): ComposerState {
  const root = post.items[0];
  return {
    items: post.items.map((item) => ({ ...newItem(item.text), ...storedToDraft(item.embed) })),
    langs: root?.langs ?? [],
    labels: root?.labels ?? [],
    ...interactionDraft(post.options),
    ...wall,
    late: { mode: post.latePolicy.mode, graceSeconds: post.latePolicy.graceSeconds },
  };
}
