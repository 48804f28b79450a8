import { useEffect, useRef } from 'preact/hooks';
import { IMAGE_TYPES, MAX_IMAGE_UPLOAD_BYTES, MAX_IMAGES_PER_POST, type Media } from '@chronopost/shared-schemas';
import { findFacets } from './facets';
import { discardMedia, fetchLinkPreview, uploadImage, waitForMedia } from './media';
import type { ComposerState, ImageDraft, ItemDraft } from './model';

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
    }
  }, [state?.items]);

  // Link cards: the first link of a post without images or a quote, once the typing has paused.
  const wanted = (state?.items ?? []).map((item) => {
    if (item.images.length > 0 || item.quote !== undefined) return undefined;
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

  return {
    /** Files picked, pasted or dropped on a post: up to four images, each uploaded at once. */
    addFiles(itemKey: string, files: File[]) {
      const item = state?.items.find((candidate) => candidate.key === itemKey);
      if (!item) return { refused: [] as string[] };
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
        void uploadImage(file, {
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
    removeLink(itemKey: string) {
      updateItem(itemKey, (item) => ({ dismissedLink: item.link?.uri, link: undefined }));
    },
  };
}
