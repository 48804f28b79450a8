import { ValidationError } from '@chronopost/lambda-kit';
import * as z from 'zod';

/** Times a cursor may carry: what PostgreSQL and JavaScript both read (a forged year 0000 must not reach SQL). */
const instant = z.iso.datetime().refine((value) => {
  const year = new Date(value).getUTCFullYear();
  return year >= 1970 && year <= 9999;
});
const cursorSchema = z.object({ s: instant.nullable(), i: z.uuid() });

/** Opaque to clients: where the previous page ended. */
export const encodeCursor = (post: { scheduledAt: Date | null; id: string }): string =>
  Buffer.from(JSON.stringify({ s: post.scheduledAt?.toISOString() ?? null, i: post.id })).toString('base64url');

export function decodeCursor(cursor: string): { scheduledAt: Date | null; id: string } {
  try {
    const parsed = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { scheduledAt: parsed.s ? new Date(parsed.s) : null, id: parsed.i };
  } catch {
    throw new ValidationError([{ path: 'cursor', code: 'invalid_cursor' }]);
  }
}
