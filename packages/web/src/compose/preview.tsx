import { me } from '../auth/session';
import { formatDateTime, messages } from '../i18n';
import { Icon } from '../ui/icons';
import { formatDuration } from './video-format';
import { findFacets, segments, storedSpans, type StoredFacet } from './facets';
import { type ComposerState, embedOf } from './model';

/**
 * The text as Bluesky draws it: links, mentions and hashtags in the link colour. A saved post
 * passes the facets the API stored; a text being written has them detected the same way.
 */
export function RichText({ text, facets }: { text: string; facets?: readonly StoredFacet[] | undefined }) {
  return (
    <>
      {segments(text, facets ? storedSpans(text, facets) : findFacets(text)).map((segment, index) =>
        segment.facet ? (
          <span key={index} class="bsky-facet">
            {segment.text}
          </span>
        ) : (
          segment.text
        ),
      )}
    </>
  );
}

/** The thread as it will look on Bluesky: one post under the other, joined by the thread line. */
export function Preview({
  state,
  at,
  timeProblem,
}: {
  state: ComposerState;
  at?: number | undefined;
  /** Why there is no instant to show: the picked time does not exist (clocks skip it), or is not complete. */
  timeProblem?: 'skipped' | 'invalid' | undefined;
}) {
  const m = messages.value;
  const account = me.value?.account;
  const name = account?.displayName || account?.handle || m.preview.you;
  const when = at
    ? formatDateTime(at, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
    : timeProblem === 'skipped'
      ? m.preview.skippedTime
      : timeProblem === 'invalid'
        ? m.preview.noTime
        : m.preview.now;
  const labelNames: Record<string, string> = {
    sexual: m.labels.sexual,
    nudity: m.labels.nudity,
    porn: m.labels.porn,
    'graphic-media': m.labels.graphicMedia,
  };
  const items = state.items.filter((item) => item.text.trim() !== '' || embedOf(item));
  return (
    <section class="preview card" aria-labelledby="preview-heading">
      <h2 id="preview-heading">{m.preview.heading}</h2>
      <p class="hint">{m.preview.hint}</p>
      {items.length === 0 ? (
        <p class="preview-empty">{m.preview.empty}</p>
      ) : (
        <ol class="bsky-thread">
          {items.map((item, index) => {
            const embed = embedOf(item);
            const quote = embed && (embed.type === 'quote' || embed.type === 'quoteWithImages') ? embed.uri : undefined;
            return (
              <li key={item.key} class="bsky-post">
                <div class="bsky-gutter">
                  {account?.avatarUrl ? (
                    <img class="bsky-avatar" src={account.avatarUrl} alt="" width={40} height={40} />
                  ) : (
                    <span class="bsky-avatar" aria-hidden="true">
                      {name.slice(0, 1).toUpperCase()}
                    </span>
                  )}
                  {index < items.length - 1 ? <span class="bsky-thread-line" aria-hidden="true" /> : null}
                </div>
                <div class="bsky-body">
                  <div class="bsky-meta">
                    <span class="bsky-name">{name}</span>
                    {account ? <span class="bsky-handle">@{account.handle}</span> : null}
                    <span class="bsky-handle" aria-hidden="true">
                      ·
                    </span>
                    <span class="bsky-handle" data-testid="preview-time">
                      {when}
                    </span>
                  </div>
                  {state.labels.length ? (
                    <div class="bsky-warning">
                      <Icon name="alert" size={16} />
                      {m.preview.contentWarning}: {state.labels.map((label) => labelNames[label]).join(', ')}
                    </div>
                  ) : null}
                  <p class="bsky-text" lang={state.langs[0]}>
                    <RichText text={item.text} />
                  </p>
                  {embed?.type === 'video' && item.video ? (
                    <div
                      class="bsky-video"
                      {...(item.video.width && item.video.height
                        ? { style: { aspectRatio: `${item.video.width} / ${item.video.height}` } }
                        : {})}
                    >
                      <Icon name="video" size={20} />
                      <span>
                        {m.preview.video}
                        {item.video.durationMs ? ` · ${formatDuration(item.video.durationMs)}` : ''}
                      </span>
                    </div>
                  ) : item.images.length > 0 ? (
                    <div class={`bsky-images count-${item.images.length}`}>
                      {item.images.map((image) =>
                        image.previewUrl ? (
                          <img key={image.key} src={image.previewUrl} alt={image.alt} />
                        ) : (
                          <span key={image.key} class="bsky-image-pending" aria-hidden="true">
                            <Icon name="image" size={22} />
                          </span>
                        ),
                      )}
                    </div>
                  ) : embed?.type === 'external' && item.link ? (
                    <div class="bsky-external">
                      {item.link.thumbUrl ? <img src={item.link.thumbUrl} alt="" /> : null}
                      <div>
                        <span class="bsky-external-host">{new URL(item.link.uri).host}</span>
                        {item.link.title ? <strong>{item.link.title}</strong> : null}
                        {item.link.description ? <span>{item.link.description}</span> : null}
                      </div>
                    </div>
                  ) : null}
                  {quote ? (
                    <div class="bsky-quote">
                      <Icon name="quote" size={16} />
                      <span>{m.preview.quoted}</span>
                      <span class="bsky-quote-uri">{quote}</span>
                    </div>
                  ) : null}
                  <div class="bsky-actions" aria-hidden="true">
                    <Icon name="reply" size={17} />
                    <Icon name="repost" size={17} />
                    <Icon name="heart" size={17} />
                  </div>
                </div>
              </li>
            );
          })}
        </ol>
      )}
      {state.reply.mode !== 'everyone' || !state.allowQuotes ? (
        <p class="bsky-gates">
          <Icon name="users" size={16} />
          {[
            state.reply.mode === 'nobody' ? m.preview.repliesOff : state.reply.mode === 'limited' ? m.preview.repliesLimited : undefined,
            state.allowQuotes ? undefined : m.preview.quotesOff,
          ]
            .filter(Boolean)
            .join(' · ')}
        </p>
      ) : null}
    </section>
  );
}
