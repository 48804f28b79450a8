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
