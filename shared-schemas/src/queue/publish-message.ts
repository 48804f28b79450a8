import * as z from 'zod';

/**
 * The message the dispatcher puts on the publish queue, one per post. `attempt` counts from 1;
 * `scheduledAt` lets the publisher wait out the sub-second remainder without a database read.
 */
export const publishMessageSchema = z.object({
  postId: z.uuid(),
  action: z.enum(['publish', 'retry']),
  attempt: z.int().min(1).max(100),
  requestedAt: z.iso.datetime({ offset: true }),
  scheduledAt: z.iso.datetime({ offset: true }),
});
export type PublishMessage = z.infer<typeof publishMessageSchema>;

/**
 * Sent on the same queue minutes before a post with a video is due: the publisher starts the
 * video's way to the PDS (the video service's job can take minutes) without claiming the post.
 * Best effort: if it is lost, the publication itself uploads the video.
 */
export const prepareVideoMessageSchema = z.object({
  postId: z.uuid(),
  action: z.literal('prepare_video'),
  requestedAt: z.iso.datetime({ offset: true }),
});
export type PrepareVideoMessage = z.infer<typeof prepareVideoMessageSchema>;

/** Anything on the publish queue. */
export const publisherMessageSchema = z.discriminatedUnion('action', [publishMessageSchema, prepareVideoMessageSchema]);
export type PublisherMessage = z.infer<typeof publisherMessageSchema>;
