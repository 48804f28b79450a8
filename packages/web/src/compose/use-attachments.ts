import { useEffect, useRef } from 'preact/hooks';
import { IMAGE_TYPES, MAX_IMAGE_UPLOAD_BYTES, MAX_IMAGES_PER_POST, type Media } from '@chronopost/shared-schemas';
import { ApiError } from '../api/errors';
import { findFacets } from './facets';
import { discardMedia, fetchLinkPreview, saveCaptions, uploadMedia, waitForMedia } from './media';
import type { CaptionDraft, ComposerState, ImageDraft, ItemDraft, VideoDraft } from './model';

/** Why captions were not stored: a catalogue code and its params. */
export interface CaptionProblem {
  code: string;
  params?: Record<string, unknown>;
}

type SetState = (update: (previous: ComposerState | undefined) => ComposerState | undefined) => void;

const fromMedia = (media: Media): Partial<ImageDraft> => ({
  mediaId: media.id,
  status: media.state === 'uploading' ? 'sending' : media.state,
  ...(media.previewUrl ? { previewUrl: media.previewUrl } : {}),
  ...(media.width ? { width: media.width } : {}),
  ...(media.height ? { height: media.height } : {}),
  ...(media.reason ? { reason: { code: media.reason.code, params: media.reason.params } } : {}),
  notes: media.notes,
});

/** A video's check as the API shows it: its state, size, length, preview and captions. */
const videoFromMedia = (media: Media, draft: VideoDraft): Partial<VideoDraft> => ({
  ...fromMedia(media),
  ...(media.bytes ? { bytes: media.bytes } : {}),
  ...(media.durationMs ? { durationMs: media.durationMs } : {}),
  // A saved post that kept no alt text of its own shows the upload's.
  ...(draft.alt === '' && media.alt ? { alt: media.alt } : {}),
  // Captions being saved here stay as they are; the others are the upload's.
  captions: [
    ...media.captions.map((caption): CaptionDraft => ({
      ...draft.captions.find((mine) => mine.lang === caption.lang),
      lang: caption.lang,
      bytes: caption.bytes,
      status: 'saved',
    })),
    ...draft.captions.filter((mine) => mine.status !== 'saved' && !media.captions.some((caption) => caption.lang === mine.lang)),
  ],
});

/** A refusal of `POST /media` (the declared type or size), in the catalogue's terms: shown as the check's would be. */
const declaredRefusal = (error: unknown): VideoDraft['reason'] | undefined => {
  if (!(error instanceof ApiError) || error.status !== 400) return undefined;
  const issue = error.issues.find((candidate) => candidate.path === 'type' || candidate.path === 'size') ?? error.issues[0];
  return issue ? { code: issue.code, params: issue.params ?? {} } : undefined;
};

let counter = 0;

/**
 * Images and link cards of the composer's posts: uploads run in the background (aborted when their
 * image or post is removed), their state comes back from the media API, and a post's first link
 * gets a card unless the post has images or a quote, or the user removed that card.
 */
export function useAttachments(state: ComposerState | undefined, setState: SetState) {
  const running = useRef(new Map<string, AbortController>());
  const asked = useRef(new Set<string>());

  const updateItem = (itemKey: string, patch: (item: ItemDraft) => Partial<ItemDraft>) =>
    setState((previous) =>
      previous
        ? { ...previous, items: previous.items.map((item) => (item.key === itemKey ? { ...item, ...patch(item) } : item)) }
        : previous,
    );
  const updateImage = (itemKey: string, imageKey: string, patch: Partial<ImageDraft>) =>
    updateItem(itemKey, (item) => ({ images: item.images.map((image) => (image.key === imageKey ? { ...image, ...patch } : image)) }));

  const follow = (itemKey: string, imageKey: string, mediaId: string, controller: AbortController) =>
    waitForMedia(mediaId, controller.signal, (media) => updateImage(itemKey, imageKey, fromMedia(media))).catch(() => undefined);
  const updateVideo = (itemKey: string, videoKey: string, patch: (video: VideoDraft) => Partial<VideoDraft>) =>
    updateItem(itemKey, (item) => (item.video?.key === videoKey ? { video: { ...item.video, ...patch(item.video) } } : {}));
  const followVideo = (itemKey: string, videoKey: string, mediaId: string, controller: AbortController) =>
    waitForMedia(mediaId, controller.signal, (media) => updateVideo(itemKey, videoKey, (video) => videoFromMedia(media, video))).catch(
      () => undefined,
    );

  // Abandon what is running when the composer goes away.
  useEffect(() => () => running.current.forEach((controller) => controller.abort()), []);

  // Saved images (a draft being edited, a restored post) show their current state and preview.
  useEffect(() => {
    for (const item of state?.items ?? []) {
      for (const image of item.images) {
        if (
          !image.mediaId ||
          image.previewUrl ||
          running.current.has(image.key) ||
          image.status === 'rejected' ||
          image.status === 'failed'
        )
          continue;
        const controller = new AbortController();
        running.current.set(image.key, controller);
        void follow(item.key, image.key, image.mediaId, controller).finally(() => running.current.delete(image.key));
      }
      const video = item.video;
      if (video?.mediaId && !video.previewUrl && !running.current.has(video.key) && video.status === 'processing') {
        const controller = new AbortController();
        running.current.set(video.key, controller);
        void followVideo(item.key, video.key, video.mediaId, controller).finally(() => running.current.delete(video.key));
      }
    }
  }, [state?.items]);

  // Link cards: the first link of a post without images or a quote, once the typing has paused.
  const wanted = (state?.items ?? []).map((item) => {
    if (item.images.length > 0 || item.video || item.quote !== undefined) return undefined;
    const link = findFacets(item.text).find((facet) => facet.type === 'link')?.value;
    return link && link !== item.dismissedLink ? { item: item.key, link } : undefined;
  });
  useEffect(() => {
    const timer = setTimeout(() => {
      for (const want of wanted) {
        if (!want) continue;
        const item = state?.items.find((candidate) => candidate.key === want.item);
        if (!item || item.link?.uri === want.link || asked.current.has(`${want.item} ${want.link}`)) continue;
        asked.current.add(`${want.item} ${want.link}`);
        const controller = new AbortController();
        void fetchLinkPreview(want.link, controller.signal)
          .then(async (card) => {
            updateItem(want.item, (current) =>
              findFacets(current.text).some((facet) => facet.value === card.uri) &&
              current.images.length === 0 &&
              !current.video &&
              current.quote === undefined
                ? {
                    link: {
                      uri: card.uri,
                      title: card.title,
                      description: card.description,
                      ...(card.thumbMediaId ? { thumbMediaId: card.thumbMediaId } : {}),
                    },
                  }
                : {},
            );
            if (card.thumbMediaId) {
              const thumb = await waitForMedia(card.thumbMediaId, controller.signal, () => undefined);
              if (thumb.previewUrl)
                updateItem(want.item, (current) =>
                  current.link?.uri === card.uri ? { link: { ...current.link, thumbUrl: thumb.previewUrl! } } : {},
                );
            }
          })
          .catch(() => asked.current.delete(`${want.item} ${want.link}`));
      }
    }, 800);
    return () => clearTimeout(timer);
  }, [wanted.map((want) => (want ? `${want.item} ${want.link}` : '')).join('|')]);

  // A card whose link left the text goes with it.
  useEffect(() => {
    for (const item of state?.items ?? []) {
      if (item.link && !findFacets(item.text).some((facet) => facet.value === item.link!.uri))
        updateItem(item.key, () => ({ link: undefined }));
    }
  }, [state?.items]);

  /**
   * A post's video: declared to the API (which may refuse its type or size at once, in the
   * catalogue's words), sent to storage with its progress, then checked by the media Lambda.
   * The size and type are the API's to judge, so that the refusal reads as every other one.
   */
  const addVideo = (itemKey: string, file: File) => {
    const draft: VideoDraft = {
      key: `video-${Date.now().toString(36)}-${counter++}`,
      alt: '',
      name: file.name,
      status: 'sending',
      progress: 0,
      captions: [],
    };
    updateItem(itemKey, () => ({ video: draft, link: undefined }));
    const controller = new AbortController();
    running.current.set(draft.key, controller);
    let mediaId: string | undefined;
    void uploadMedia(file, {
      kind: 'video',
      alt: '',
      signal: controller.signal,
      onCreated: (media) => {
        mediaId = media.id;
        updateVideo(itemKey, draft.key, () => ({ mediaId: media.id }));
      },
      onProgress: (progress) => updateVideo(itemKey, draft.key, () => ({ progress })),
    })
      .then(() => {
        updateVideo(itemKey, draft.key, () => ({ status: 'processing', progress: 1 }));
        return mediaId ? followVideo(itemKey, draft.key, mediaId, controller) : undefined;
      })
      .catch((error: unknown) => {
        if ((error as Error).name === 'AbortError') return;
        const reason = declaredRefusal(error);
        updateVideo(itemKey, draft.key, () => (reason ? { status: 'rejected', reason } : { status: 'failed' }));
      })
      .finally(() => running.current.delete(draft.key));
  };

  return {
    /**
     * Files picked, pasted or dropped on a post: up to four images, each uploaded at once, or one
     * video (as Bluesky: a post has images or a video, never both).
     */
    addFiles(itemKey: string, files: File[]) {
      const item = state?.items.find((candidate) => candidate.key === itemKey);
      if (!item) return { refused: [] as string[] };
      const videos = files.filter((file) => file.type.toLowerCase().startsWith('video/'));
      if (videos.length > 0) {
        const [video, ...others] = videos;
        const refused = [...files.filter((file) => file !== video), ...others].map((file) => file.name);
        if (item.images.length > 0 || item.video) return { refused: [...new Set([video!.name, ...refused])] };
        addVideo(itemKey, video!);
        return { refused: [...new Set(refused)] };
      }
      if (item.video) return { refused: files.map((file) => file.name) };
      const room = MAX_IMAGES_PER_POST - item.images.length;
      const images = files.filter((file) => (IMAGE_TYPES as readonly string[]).includes(file.type.toLowerCase()));
      const refused = files.filter((file) => !images.includes(file) || file.size > MAX_IMAGE_UPLOAD_BYTES).map((file) => file.name);
      const accepted = images.filter((file) => file.size <= MAX_IMAGE_UPLOAD_BYTES).slice(0, Math.max(0, room));
      const drafts = accepted.map((file) => ({
        file,
        draft: { key: `image-${Date.now().toString(36)}-${counter++}`, alt: '', name: file.name, status: 'sending' as const, progress: 0 },
      }));
      updateItem(itemKey, (current) => ({ images: [...current.images, ...drafts.map(({ draft }) => draft)], link: undefined }));
      for (const { file, draft } of drafts) {
        const controller = new AbortController();
        running.current.set(draft.key, controller);
        void uploadMedia(file, {
          kind: 'image',
          alt: '',
          signal: controller.signal,
          onCreated: (media) => updateImage(itemKey, draft.key, { mediaId: media.id }),
          onProgress: (progress) => updateImage(itemKey, draft.key, { progress }),
        })
          .then(() => {
            updateImage(itemKey, draft.key, { status: 'processing', progress: 1 });
            let id: string | undefined;
            setState((previous) => {
              id = previous?.items.find((candidate) => candidate.key === itemKey)?.images.find((image) => image.key === draft.key)?.mediaId;
              return previous;
            });
            return id ? follow(itemKey, draft.key, id, controller) : undefined;
          })
          .catch((error: unknown) => {
            if ((error as Error).name !== 'AbortError') updateImage(itemKey, draft.key, { status: 'failed' });
          })
          .finally(() => running.current.delete(draft.key));
      }
      return { refused: [...refused, ...images.slice(Math.max(0, room)).map((file) => file.name)] };
    },
    removeImage(itemKey: string, image: ImageDraft) {
      running.current.get(image.key)?.abort();
      running.current.delete(image.key);
      if (image.mediaId) void discardMedia(image.mediaId);
      updateItem(itemKey, (item) => ({ images: item.images.filter((other) => other.key !== image.key) }));
    },
    setAlt(itemKey: string, imageKey: string, alt: string) {
      updateImage(itemKey, imageKey, { alt });
    },
    addVideo,
    removeVideo(itemKey: string, video: VideoDraft) {
      running.current.get(video.key)?.abort();
      running.current.delete(video.key);
      if (video.mediaId) void discardMedia(video.mediaId);
      updateItem(itemKey, (item) => (item.video?.key === video.key ? { video: undefined } : {}));
    },
    setVideoAlt(itemKey: string, videoKey: string, alt: string) {
      updateVideo(itemKey, videoKey, () => ({ alt }));
    },
    /**
     * Captions in one language from a WebVTT file, stored with the upload at once; the API's
     * refusal (not WebVTT, too large, too many, a language it does not know) is answered for the
     * field beside it.
     */
    async addCaptions(itemKey: string, video: VideoDraft, lang: string, file: File): Promise<CaptionProblem | undefined> {
      if (!video.mediaId) return { code: 'video_uploading' };
      const mine: CaptionDraft = { lang, name: file.name, bytes: file.size, url: URL.createObjectURL(file), status: 'saving' };
      const setCaption = (patch: Partial<CaptionDraft> | undefined) =>
        updateVideo(itemKey, video.key, (current) => ({
          captions: patch
            ? current.captions.map((caption) => (caption.lang === lang ? { ...caption, ...patch } : caption))
            : current.captions.filter((caption) => caption.lang !== lang || caption.status === 'saved'),
        }));
      updateVideo(itemKey, video.key, (current) => ({
        captions: [...current.captions.filter((caption) => caption.lang !== lang), mine],
      }));
      try {
        const media = await saveCaptions(video.mediaId, lang, await file.text());
        updateVideo(itemKey, video.key, (current) =>
          videoFromMedia(media, {
            ...current,
            captions: [...current.captions.filter((caption) => caption.lang !== lang), { ...mine, status: 'saved' }],
          }),
        );
        return undefined;
      } catch (error) {
        // Not stored: the language's earlier file (if any) stays as it was.
        setCaption(undefined);
        if (error instanceof ApiError && error.issues[0]) return { code: error.issues[0].code, params: error.issues[0].params ?? {} };
        return { code: error instanceof ApiError ? error.code : 'network_error' };
      }
    },
    async removeCaptions(itemKey: string, video: VideoDraft, lang: string): Promise<CaptionProblem | undefined> {
      if (!video.mediaId) return undefined;
      try {
        const media = await saveCaptions(video.mediaId, lang, null);
        updateVideo(itemKey, video.key, (current) =>
          videoFromMedia(media, { ...current, captions: current.captions.filter((caption) => caption.lang !== lang) }),
        );
        return undefined;
      } catch (error) {
        return { code: error instanceof ApiError ? error.code : 'network_error' };
      }
    },
    removeLink(itemKey: string) {
      updateItem(itemKey, (item) => ({ dismissedLink: item.link?.uri, link: undefined }));
    },
  };
}
