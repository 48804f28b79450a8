/**
 * Names of the metrics the services emit (Powertools Metrics, EMF), with the `service` dimension.
 * Terraform's alarms are built from the same names, so a renamed metric cannot silence an alarm.
 */
export const METRIC_NAMES = {
  /** publisher: a post's records were written (or found already written). */
  postsPublished: 'PostsPublished',
  /** publisher: a post ended `failed`. */
  postsFailed: 'PostsFailed',
  /** dispatcher and publisher: a post ended `missed` (too late for its late policy). */
  postsMissed: 'PostsMissed',
  /** publisher: milliseconds between the scheduled second and the write. */
  publishLatenessMs: 'PublishLatenessMs',
  /** dispatcher: posts queued by one tick. */
  postsDispatched: 'PostsDispatched',
  /** dispatcher: one per tick; its absence is the heartbeat alarm. */
  dispatchTicks: 'DispatchTicks',
  /** token-refresher: sessions refreshed. */
  tokenRefreshes: 'TokenRefreshes',
  /** token-refresher: refreshes the authorization server refused (session ended). */
  tokenRefreshRefusals: 'TokenRefreshRefusals',
} as const;
export type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES];
