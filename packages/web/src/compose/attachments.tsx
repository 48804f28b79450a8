import { MAX_ALT_TEXT_LENGTH } from '@chronopost/shared-schemas';
import { apiMessage, formatNumber, messages } from '../i18n';
import { Icon } from '../ui/icons';
import type { ImageDraft, ItemDraft } from './model';

export interface AttachmentsProps {
  item: ItemDraft;
  /** The post's number, for labels ("image 2 of post 1"). */
  number: number;
  onAlt: (imageKey: string, alt: string) => void;
  onRemoveImage: (image: ImageDraft) => void;
  onRemoveLink: () => void;
}

function ImageStatus({ image }: { image: ImageDraft }) {
  const m = messages.value.attachments;
  if (image.status === 'sending')
    return (
      <div class="image-status">
        <progress max={1} value={image.progress ?? 0} aria-label={m.uploading(image.name)} />
        <span>{m.percent(formatNumber(image.progress ?? 0, { style: 'percent' }))}</span>
      </div>
    );
  if (image.status === 'processing')
    return (
      <div class="image-status">
        <span class="spinner" aria-hidden="true" />
        <span>{m.processing}</span>
      </div>
    );
  if (image.status === 'rejected' || image.status === 'failed') {
    // The media Lambda's reason, in the API catalogue's words (ours only until it has loaded).
    const reason = image.reason ? (apiMessage(image.reason) ?? m.rejected) : m.rejected;
    return (
      <div class="image-status error" role="alert">
        <Icon name="alert" size={16} />
        <span>{image.status === 'failed' ? m.failed : reason}</span>
      </div>
    );
  }
  return null;
}

/**
 * A post's images (each with its upload's progress or processing state, and its alt text) and its
 * link card, as they will be posted.
 */
export function Attachments({ item, number, onAlt, onRemoveImage, onRemoveLink }: AttachmentsProps) {
  const m = messages.value.attachments;
  return (
    <>
      {item.images.length > 0 ? (
        <ul class="image-list" aria-label={m.imagesOf(number)}>
          {item.images.map((image, index) => {
            const altId = `${image.key}-alt`;
            return (
              <li key={image.key} class={`image-card ${image.status}`} data-testid="image-card" data-status={image.status}>
                <div class="image-thumb">
                  {image.previewUrl ? <img src={image.previewUrl} alt="" /> : <Icon name="image" size={28} />}
                  <button type="button" class="image-remove" aria-label={m.remove(index + 1)} onClick={() => onRemoveImage(image)}>
                    <Icon name="x" size={16} />
                  </button>
                </div>
                <div class="image-fields">
                  <ImageStatus image={image} />
                  {image.notes?.includes('gif_first_frame') ? (
                    <p class="hint">{apiMessage({ code: 'gif_first_frame' }) ?? m.gifFirstFrame}</p>
                  ) : null}
                  <label for={altId} class="label">
                    {m.alt(index + 1)}
                  </label>
                  <textarea
                    id={altId}
                    class="textarea alt-text"
                    rows={2}
                    maxLength={MAX_ALT_TEXT_LENGTH}
                    placeholder={m.altPlaceholder}
                    value={image.alt}
                    onInput={(event) => onAlt(image.key, event.currentTarget.value)}
                  />
                  {image.alt.trim() === '' && image.status !== 'rejected' && image.status !== 'failed' ? (
                    <p class="hint">{m.altMissing}</p>
                  ) : null}
                </div>
              </li>
            );
          })}
        </ul>
      ) : null}
      {item.link ? (
        <div class="link-card" data-testid="link-card">
          {item.link.thumbUrl ? <img class="link-card-thumb" src={item.link.thumbUrl} alt="" /> : null}
          <div class="link-card-text">
            <span class="link-card-host">{new URL(item.link.uri).host}</span>
            {item.link.title ? <strong>{item.link.title}</strong> : null}
            {item.link.description ? <span class="link-card-description">{item.link.description}</span> : null}
          </div>
          <button type="button" class="button ghost icon small" aria-label={m.removeLink} onClick={onRemoveLink}>
            <Icon name="x" size={16} />
          </button>
        </div>
      ) : null}
    </>
  );
}
