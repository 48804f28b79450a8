/** What to do with a post whose time has passed by the time it can be published (e.g. after an outage). */
export const LATE_POLICIES = ['publish', 'skip'] as const;
export type LatePolicy = (typeof LATE_POLICIES)[number];
export const DEFAULT_LATE_GRACE_SECONDS = 15 * 60;
