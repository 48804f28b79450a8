import type { LinkPreview, Media } from '@chronopost/shared-schemas';
import { api } from '../api/client';
import { ApiError } from '../api/errors';

/**
 * The media API from the browser: `POST /media` for an upload form, the file straight to storage
 * (XMLHttpRequest, for its progress events), then `GET /media/{id}` until the media Lambda has
 * checked and processed it (an image) or checked it (a video).
 */
export async function uploadMedia(
  file: File,
  options: {
    kind: 'image' | 'video';
    alt: string;
    onCreated: (media: Media) => void;
    onProgress: (fraction: number) => void;
    signal: AbortSignal;
  },
): Promise<void> {
  const { data } = await api<{ media: Media; upload: { url: string; fields: Record<string, string> } }>('/media', {
    method: 'POST',
    body: { kind: options.kind, type: file.type, size: file.size, alt: options.alt },
    signal: options.signal,
  });
  options.onCreated(data.media);
  const form = new FormData();
  for (const [name, value] of Object.entries(data.upload.fields)) form.append(name, value);
  // The policy covers every field above; the file comes last, as S3 requires.
  form.append('file', file);
  await new Promise<void>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', data.upload.url);
    request.upload.onprogress = (event) => event.lengthComputable && options.onProgress(event.loaded / event.total);
    request.onload = () =>
      request.status >= 200 && request.status < 300
        ? resolve()
        : reject(new ApiError(request.status, 'upload_failed', request.responseText.slice(0, 200)));
    request.onerror = () => reject(new ApiError(0, 'network_error', 'upload failed'));
    request.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    options.signal.addEventListener('abort', () => request.abort(), { once: true });
    request.send(form);
  });
}

/** The upload's state, asked every second (then less often) until it is ready or rejected. */
export async function waitForMedia(id: string, signal: AbortSignal, onUpdate: (media: Media) => void): Promise<Media> {
  for (let attempt = 0; ; attempt += 1) {
    const { data } = await api<Media>(`/media/${encodeURIComponent(id)}`, { signal });
    onUpdate(data);
    if (data.state === 'ready' || data.state === 'rejected') return data;
    await new Promise((resolve) => setTimeout(resolve, attempt < 20 ? 1_000 : 5_000));
    if (signal.aborted) throw new DOMException('aborted', 'AbortError');
  }
}

/** Stores a video's captions in one language (`PUT`), or removes them (`vtt` null); answers the upload as it now is. */
export async function saveCaptions(mediaId: string, lang: string, vtt: string | null): Promise<Media> {
  const path = `/media/${encodeURIComponent(mediaId)}/captions/${encodeURIComponent(lang)}`;
  const { data } = await api<Media>(path, vtt === null ? { method: 'DELETE' } : { method: 'PUT', body: { vtt } });
  return data;
}

export const discardMedia = (id: string) => api(`/media/${encodeURIComponent(id)}`, { method: 'DELETE' }).catch(() => undefined);

export async function fetchLinkPreview(url: string, signal: AbortSignal): Promise<LinkPreview> {
  return (await api<LinkPreview>('/link-preview', { method: 'POST', body: { url }, signal })).data;
}
