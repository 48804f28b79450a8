import * as z from 'zod';

const params = z.record(z.string(), z.unknown());

/**
 * One problem with a request: where (`items.0.text`, or `body`, `query`, a header or cookie name), a
 * stable code of the message catalogue with its params, and the English sentence.
 */
export const errorIssueSchema = z.object({
  path: z.string(),
  code: z.string(),
  params: params.optional(),
  message: z.string(),
});
export type ErrorIssue = z.infer<typeof errorIssueSchema>;

/** An issue as our code raises it: the message is rendered from the catalogue at the edge unless given. */
export type IssueInput = Omit<ErrorIssue, 'message'> & { message?: string };

/** The body of every error response, from every service. */
export const errorResponseSchema = z.object({
  error: z.object({
    code: z.string(),
    params: params.optional(),
    message: z.string(),
    issues: z.array(errorIssueSchema).optional(),
    requestId: z.string().optional(),
  }),
});
export type ErrorResponse = z.infer<typeof errorResponseSchema>;
