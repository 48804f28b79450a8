import * as z from 'zod';
import { booleanField, httpUrlField, nameField, privateJwksField, privateOriginsField } from './fields';

/** Where identities (handles, DIDs) resolve: every service that resolves one uses the same. */
export const identityEnvShape = {
  ATPROTO_HANDLE_RESOLVER: httpUrlField('an XRPC service that resolves handles (default: DNS and HTTPS well-known)').optional(),
  ATPROTO_PLC_URL: httpUrlField('the PLC directory (default https://plc.directory)').optional(),
  OAUTH_ALLOW_HTTP: booleanField(false),
  /** More PDSes of your own on private addresses (the accounts of `pnpm bench lateness` live on three); only with OAUTH_ALLOW_HTTP. */
  ATPROTO_PRIVATE_ORIGINS: privateOriginsField,
};

export const toIdentityConfig = (env: {
  ATPROTO_HANDLE_RESOLVER?: string | undefined;
  ATPROTO_PLC_URL?: string | undefined;
  ATPROTO_PRIVATE_ORIGINS?: readonly string[] | undefined;
  OAUTH_ALLOW_HTTP: boolean;
}) => ({
  handleResolver: env.ATPROTO_HANDLE_RESOLVER,
  plcUrl: env.ATPROTO_PLC_URL,
  allowHttp: env.OAUTH_ALLOW_HTTP,
  /**
   * The only origins the SSRF-safe fetcher may reach on private addresses: the handle resolver,
   * PLC directory and further PDSes configured with OAUTH_ALLOW_HTTP (the local demo or test
   * PDSes). Empty in AWS.
   */
  privateOrigins: env.OAUTH_ALLOW_HTTP
    ? [env.ATPROTO_HANDLE_RESOLVER, env.ATPROTO_PLC_URL, ...(env.ATPROTO_PRIVATE_ORIGINS ?? [])]
        .filter((url): url is string => Boolean(url))
        .map((url) => new URL(url).origin)
    : [],
});
export type IdentityConfig = ReturnType<typeof toIdentityConfig>;

/**
 * How every service that talks to a PDS builds the same OAuth client: login (oauth), publishing
 * (publisher) and refreshing (token-refresher) must present the same client_id and keys, because
 * a refresh token only works for the client it was issued to.
 */
export const oauthClientEnvShape = {
  PUBLIC_URL: httpUrlField('the public base URL of the HTTP API, e.g. https://api.chronopost.app (http://127.0.0.1:<port> locally)'),
  OAUTH_CLIENT_PRIVATE_KEYS: privateJwksField("the confidential client's ES256 keys (required when PUBLIC_URL is https)").optional(),
  OAUTH_CLIENT_NAME: z.string().min(1).max(100).default('Chronopost'),
  LOCK_TABLE: nameField('the DynamoDB table of distributed locks'),
  KMS_KEY_ID: z.string().min(1).optional(),
  LOCAL_MASTER_KEY_FILE: z.string().min(1).optional(),
  ...identityEnvShape,
};

type OauthClientEnv = {
  PUBLIC_URL: string;
  OAUTH_CLIENT_PRIVATE_KEYS?: Array<Record<string, unknown> & { kid: string }> | undefined;
  OAUTH_CLIENT_NAME: string;
  LOCK_TABLE: string;
  KMS_KEY_ID?: string | undefined;
  LOCAL_MASTER_KEY_FILE?: string | undefined;
  ATPROTO_HANDLE_RESOLVER?: string | undefined;
  ATPROTO_PLC_URL?: string | undefined;
  ATPROTO_PRIVATE_ORIGINS?: readonly string[] | undefined;
  OAUTH_ALLOW_HTTP: boolean;
};

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]']);

/** Cross-field rules, as a zod `superRefine` on the service's env object. */
export function checkOauthClientEnv(env: OauthClientEnv, context: z.RefinementCtx): void {
  const url = new URL(env.PUBLIC_URL);
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    context.addIssue({
      code: 'custom',
      path: ['PUBLIC_URL'],
      message: 'must be https, or http://127.0.0.1:<port> for a local run (AT Protocol loopback clients must use 127.0.0.1)',
    });
  }
  if (url.protocol === 'https:' && !env.OAUTH_CLIENT_PRIVATE_KEYS) {
    context.addIssue({
      code: 'custom',
      path: ['OAUTH_CLIENT_PRIVATE_KEYS'],
      message: 'is required when PUBLIC_URL is https: the confidential client signs its token requests with these ES256 keys',
    });
  }
  if (Boolean(env.KMS_KEY_ID) === Boolean(env.LOCAL_MASTER_KEY_FILE)) {
    context.addIssue({
      code: 'custom',
      path: [env.KMS_KEY_ID ? 'LOCAL_MASTER_KEY_FILE' : 'KMS_KEY_ID'],
      message: 'exactly one of KMS_KEY_ID (in AWS) and LOCAL_MASTER_KEY_FILE (elsewhere) must be set: it encrypts stored sessions',
    });
  }
}

export const toOauthClientConfig = (env: OauthClientEnv) => {
  const publicUrl = env.PUBLIC_URL.replace(/\/+$/, '');
  return {
    publicUrl,
    mode: publicUrl.startsWith('https:') ? ('confidential' as const) : ('loopback' as const),
    clientName: env.OAUTH_CLIENT_NAME,
    ...toIdentityConfig(env),
    lockTable: env.LOCK_TABLE,
    keyring: env.KMS_KEY_ID
      ? ({ kind: 'kms', keyId: env.KMS_KEY_ID } as const)
      : ({ kind: 'local', file: env.LOCAL_MASTER_KEY_FILE! } as const),
  };
};
export type OauthClientConfig = ReturnType<typeof toOauthClientConfig>;
