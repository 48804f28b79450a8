/** The self-labels Bluesky recognises on a post (adult content and graphic media). */
export const SELF_LABELS = ['sexual', 'nudity', 'porn', 'graphic-media'] as const;
export type SelfLabel = (typeof SELF_LABELS)[number];
