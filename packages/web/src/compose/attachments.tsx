import { useState } from 'preact/hooks';
import { MAX_ALT_TEXT_LENGTH, MAX_CAPTIONS_PER_VIDEO } from '@chronopost/shared-schemas';
import { apiMessage, formatNumber, messages } from '../i18n';
import { Icon } from '../ui/icons';
import type { ImageDraft, ItemDraft, VideoDraft } from './model';
import { COMMON_LANGUAGES, languageName } from './options';
import { FileButton } from './file-button';
import { describeProblem } from './problems';
import type { CaptionProblem } from './use-attachments';
import { formatDuration, formatSize } from './video-format';

export interface AttachmentsProps {
  item: ItemDraft;
  /** The post's number, for labels ("image 2 of post 1"). */
  number: number;
  onAlt: (imageKey: string, alt: string) => void;
  onRemoveImage: (image: ImageDraft) => void;
  onRemoveLink: () => void;
  onVideoAlt: (video: VideoDraft, alt: string) => void;
  onRemoveVideo: (video: VideoDraft) => void;
  /** Stores captions in a language; answers why not when they were refused. */
  onAddCaptions: (video: VideoDraft, lang: string, file: File) => Promise<CaptionProblem | undefined>;
  onRemoveCaptions: (video: VideoDraft, lang: string) => Promise<CaptionProblem | undefined>;
}

/** An image's or a video's alt text, and a word on why it matters while it is empty. */
function AltText(props: {
  id: string;
  label: string;
  placeholder: string;
  missing?: string;
  value: string;
  onInput: (alt: string) => void;
}) {
  return (
    <>
      <label for={props.id} class="label">
        {props.label}
      </label>
      <textarea
        id={props.id}
        class="textarea alt-text"
        rows={2}
        maxLength={MAX_ALT_TEXT_LENGTH}
        placeholder={props.placeholder}
        value={props.value}
        onInput={(event) => props.onInput(event.currentTarget.value)}
      />
      {props.missing && props.value.trim() === '' ? <p class="hint">{props.missing}</p> : null}
    </>
  );
}

function ImageStatus({ image }: { image: ImageDraft | VideoDraft }) {
  const m = messages.value.attachments;
  if (image.status === 'sending')
    return (
      <div class="image-status">
        <progress max={1} value={image.progress ?? 0} aria-label={m.uploading(image.name)} />
        <span>{m.percent(formatNumber(image.progress ?? 0, { style: 'percent' }))}</span>
      </div>
    );
  const video = 'captions' in image;
  if (image.status === 'processing')
    return (
      <div class="image-status">
        <span class="spinner" aria-hidden="true" />
        <span>{video ? messages.value.video.checking : m.processing}</span>
      </div>
    );
  if (image.status === 'rejected' || image.status === 'failed') {
    // The media Lambda's reason, in the API catalogue's words (ours only until it has loaded).
    const refused = video ? messages.value.video.rejected : m.rejected;
    const reason = image.reason ? (apiMessage(image.reason) ?? refused) : refused;
    return (
      <div class="image-status error" role="alert">
        <Icon name="alert" size={16} />
        <span>{image.status === 'failed' ? m.failed : reason}</span>
      </div>
    );
  }
  if (video && image.status === 'ready') {
    const size = image.width && image.height ? `${image.width} × ${image.height}` : undefined;
    const facts = [
      image.durationMs ? formatDuration(image.durationMs) : undefined,
      size,
      image.bytes ? formatSize(image.bytes) : undefined,
    ].filter(Boolean);
    return (
      <div class="image-status ok" data-testid="video-checked">
        <Icon name="check" size={16} />
        <span>{messages.value.video.checked(facts.join(' · '))}</span>
      </div>
    );
  }
  return null;
}

/**
 * A video's captions: one WebVTT file per language, each stored with the upload as soon as it is
 * picked; the API's refusal (not WebVTT, too large, too many) is said beside the field.
 */
function Captions(props: {
  video: VideoDraft;
  postLangs: string[];
  onAdd: (lang: string, file: File) => Promise<CaptionProblem | undefined>;
  onRemove: (lang: string) => Promise<CaptionProblem | undefined>;
}) {
  const m = messages.value.video;
  const { video } = props;
  const ids = { lang: `${video.key}-caption-lang`, problem: `${video.key}-caption-problem` };
  const taken = new Set(video.captions.map((caption) => caption.lang));
  const offered = [...new Set([...props.postLangs, ...COMMON_LANGUAGES])].filter((tag) => !taken.has(tag));
  const [lang, setLang] = useState<string>('');
  const [problem, setProblem] = useState<CaptionProblem | undefined>(undefined);
  const chosen = lang && !taken.has(lang) ? lang : (offered[0] ?? '');
  const full = video.captions.length >= MAX_CAPTIONS_PER_VIDEO;
  return (
    <fieldset class="captions" data-testid="captions">
      <legend class="label">{m.captions}</legend>
      <p class="hint">{m.captionsHint}</p>
      {video.captions.length ? (
        <ul class="caption-list">
          {video.captions.map((caption) => (
            <li key={caption.lang} class="caption" data-status={caption.status}>
              <span class="caption-lang">{languageName(caption.lang)}</span>
              <span class="hint">
                {[caption.name, caption.bytes !== undefined ? formatSize(caption.bytes) : undefined].filter(Boolean).join(' · ')}
              </span>
              {caption.status === 'saving' ? <span class="spinner" aria-label={m.captionSaving} /> : null}
              <button
                type="button"
                class="button ghost icon small"
                aria-label={m.captionRemove(languageName(caption.lang))}
                disabled={caption.status === 'saving'}
                onClick={() => void props.onRemove(caption.lang).then(setProblem)}
              >
                <Icon name="x" size={16} />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {full || !video.mediaId ? null : (
        <div class="caption-add">
          <label for={ids.lang} class="visually-hidden">
            {m.captionLanguage}
          </label>
          <select id={ids.lang} class="select" value={chosen} onChange={(event) => setLang(event.currentTarget.value)}>
            {offered.map((tag) => (
              <option key={tag} value={tag}>
                {languageName(tag)}
              </option>
            ))}
          </select>
          <FileButton
            icon="plus"
            label={m.captionAdd(languageName(chosen))}
            accept=".vtt,text/vtt"
            describedBy={problem ? ids.problem : undefined}
            onFiles={([picked]) => {
              if (!picked || !chosen) return;
              setProblem(undefined);
              void props.onAdd(chosen, picked).then(setProblem);
            }}
          />
        </div>
      )}
      {problem ? (
        <p id={ids.problem} class="field-error" role="alert">
          {describeProblem({ path: 'captions', ...problem })}
        </p>
      ) : null}
    </fieldset>
  );
}

/** A post's video: its upload and check, a player to watch it, its alt text and its captions. */
function VideoCard(props: AttachmentsProps & { video: VideoDraft; postLangs: string[] }) {
  const m = messages.value;
  const { video } = props;
  const usable = video.status !== 'rejected' && video.status !== 'failed';
  return (
    <div class={`video-card ${video.status}`} data-testid="video-card" data-status={video.status}>
      <div class="video-head">
        <Icon name="video" size={18} />
        <span class="video-name">{video.name || m.video.saved}</span>
        <button type="button" class="button ghost icon small" aria-label={m.video.remove} onClick={() => props.onRemoveVideo(video)}>
          <Icon name="x" size={16} />
        </button>
      </div>
      {video.previewUrl && video.status === 'ready' ? (
        <video
          class="video-preview"
          src={video.previewUrl}
          controls
          muted
          playsInline
          preload="metadata"
          aria-label={m.video.player}
          {...(video.width && video.height ? { style: { aspectRatio: `${video.width} / ${video.height}` } } : {})}
        >
          {video.captions.map((caption) =>
            caption.url ? (
              <track key={caption.lang} kind="captions" srclang={caption.lang} label={languageName(caption.lang)} src={caption.url} />
            ) : null,
          )}
        </video>
      ) : null}
      <ImageStatus image={video} />
      {usable ? (
        <>
          <AltText
            id={`${video.key}-alt`}
            label={m.video.alt}
            placeholder={m.video.altPlaceholder}
            missing={m.video.altMissing}
            value={video.alt}
            onInput={(alt) => props.onVideoAlt(video, alt)}
          />
          <Captions
            video={video}
            postLangs={props.postLangs}
            onAdd={(lang, file) => props.onAddCaptions(video, lang, file)}
            onRemove={(lang) => props.onRemoveCaptions(video, lang)}
          />
        </>
      ) : null}
    </div>
  );
}

/**
 * A post's images (each with its upload's progress or processing state, and its alt text) or its
 * video, and its link card, as they will be posted.
 */
export function Attachments(props: AttachmentsProps & { postLangs: string[] }) {
  const { item, number, onAlt, onRemoveImage, onRemoveLink } = props;
  const m = messages.value.attachments;
  return (
    <>
      {item.video ? <VideoCard {...props} video={item.video} /> : null}
      {item.images.length > 0 ? (
        <ul class="image-list" aria-label={m.imagesOf(number)}>
          {item.images.map((image, index) => {
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
                  <AltText
                    id={`${image.key}-alt`}
                    label={m.alt(index + 1)}
                    placeholder={m.altPlaceholder}
                    {...(image.status === 'rejected' || image.status === 'failed' ? {} : { missing: m.altMissing })}
                    value={image.alt}
                    onInput={(alt) => onAlt(image.key, alt)}
                  />
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
