import { findAccount } from '@chronopost/db';
import { authenticatedDid, type HttpEvent, UnauthorizedError } from '@chronopost/lambda-kit';
import type { ApiContext } from './context';

/**
 * The caller's account, for routes that write rows owned by it (or show it). An access token can
 * outlive its account (deleted while the token was still valid): such a caller is refused with 401
 * `account_not_found` before anything is written, rather than a foreign-key violation (a 500). The
 * web app answers a 401 by renewing its token, which fails too, and signs out. (`POST /posts`, the
 * most frequent write, skips the lookup and answers the same from the foreign key's refusal.)
 */
export async function requireAccount(ctx: ApiContext, event: HttpEvent) {
  const did = authenticatedDid(event);
  const account = await findAccount(ctx.db, did);
  if (!account) throw new UnauthorizedError('account_not_found');
  return account;
}
