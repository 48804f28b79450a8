import * as z from 'zod';
import { custom } from './posts';

const HANDLE = /^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
const DID = /^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$/;

/** What a user may type to log in: a handle (`@` optional), a DID, or their PDS's URL. */
export const loginIdentifierSchema = z
  .string()
  .trim()
  .transform((value) => value.replace(/^@/, ''))
  .pipe(
    z
      .string()
      .min(1)
      .max(2048)
      .superRefine((value, context) => {
        const ok = (value.length <= 253 && HANDLE.test(value)) || DID.test(value) || /^https?:\/\/[^\s/]+(\/\S*)?$/.test(value);
        if (!ok) custom(context, [], 'invalid_identifier');
      }),
  );

export const loginRequestSchema = z
  .object({
    identifier: loginIdentifierSchema,
    /** Where to send the browser afterwards: a path on the web app, or a URL on its origin. */
    returnTo: z.string().max(2048).optional(),
  })
  .strict();
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const loginResponseSchema = z.object({ authorizationUrl: z.url() });
export type LoginResponse = z.infer<typeof loginResponseSchema>;

/** `POST /auth/refresh`: a new access token (the refresh cookie rotates alongside). */
export const accessTokenResponseSchema = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresAt: z.iso.datetime(),
  did: z.string(),
});
export type AccessTokenResponse = z.infer<typeof accessTokenResponseSchema>;

/** Query parameter the login sends the browser back with when it failed. */
export const LOGIN_ERROR_CODES = ['invalid_request', 'expired', 'wrong_browser', 'access_denied', 'server_error'] as const;
export type LoginErrorCode = (typeof LOGIN_ERROR_CODES)[number];
