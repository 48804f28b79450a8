import { randomUUID } from 'node:crypto';
import { createRemoteJWKSet, exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';

/**
 * The app's own access tokens: short-lived JWTs whose `sub` is the user's DID, checked by API
 * Gateway's JWT authorizer in AWS and by the local gateway here.
 *
 * RS256, not ES256: API Gateway HTTP API JWT authorizers verify RSA signatures only, and the point
 * of these tokens is that the gateway checks them before any Lambda runs.
 */
export const ACCESS_TOKEN_ALG = 'RS256';

export interface AccessTokenClaims {
  sub: string;
  iss: string;
  aud: string;
  exp: number;
  iat: number;
  jti: string;
  scope: string;
}

export const ACCESS_TOKEN_SCOPE = 'chronopost';

/** Creates a new signing key (for local runs; in AWS the keys come from configuration). */
export async function generateAccessTokenKey(kid = `app-${Date.now().toString(36)}`): Promise<JWK & { kid: string }> {
  const { privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG, { modulusLength: 2048, extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: ACCESS_TOKEN_ALG, use: 'sig' };
}

/** The public half of each key, for `/.well-known/jwks.json`. */
export function publicJwks(privateKeys: ReadonlyArray<JWK>): { keys: JWK[] } {
  return {
    keys: privateKeys.map(({ kty, n, e, kid }) => ({ kty, n, e, kid, alg: ACCESS_TOKEN_ALG, use: 'sig' })),
  };
}

/** Signs access tokens with the first key; the others stay published for tokens they signed before a rotation. */
export async function createAccessTokenSigner(options: {
  privateKeys: ReadonlyArray<JWK & { kid?: string }>;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}) {
  const [current] = options.privateKeys;
  if (!current?.kid) throw new Error('at least one signing key with a kid is required');
  const key = await importJWK({ ...current, alg: ACCESS_TOKEN_ALG }, ACCESS_TOKEN_ALG);
  return {
    async sign(did: string, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
      const iat = Math.floor(now.getTime() / 1000);
      const exp = iat + options.ttlSeconds;
      const token = await new SignJWT({ scope: ACCESS_TOKEN_SCOPE })
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, kid: current.kid, typ: 'at+jwt' })
        .setSubject(did)
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setIssuedAt(iat)
        .setNotBefore(iat)
        .setExpirationTime(exp)
        .setJti(randomUUID())
        .sign(key);
      return { token, expiresAt: new Date(exp * 1000) };
    },
  };
}

export class AccessTokenError extends Error {
  override readonly name = 'AccessTokenError';
}

/**
 * Verifies access tokens the way API Gateway's JWT authorizer does: keys from the issuer's OpenID
 * discovery document (`jwks_uri`, cached, re-fetched for an unknown `kid`), RSA algorithms only,
 * `iss` and `aud` exact, `exp`/`nbf`/`iat` against the clock.
 */
export function createAccessTokenVerifier(options: { issuer: string; audience: string; fetchImpl?: typeof fetch }) {
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  const keys = async () => {
    if (!jwks) {
      const discovery = await (options.fetchImpl ?? fetch)(`${options.issuer}/.well-known/openid-configuration`);
      if (!discovery.ok) throw new AccessTokenError(`discovery document unavailable (${discovery.status})`);
      const { jwks_uri: jwksUri } = (await discovery.json()) as { jwks_uri?: string };
      if (!jwksUri) throw new AccessTokenError('discovery document has no jwks_uri');
      jwks = createRemoteJWKSet(new URL(jwksUri), { cacheMaxAge: 60 * 60_000 });
    }
    return jwks;
  };
  return {
    async verify(token: string): Promise<AccessTokenClaims> {
      try {
        const { payload } = await jwtVerify(token, await keys(), {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ['RS256', 'RS384', 'RS512'],
          requiredClaims: ['sub', 'exp', 'iat'],
        });
        // Like API Gateway: a token "issued" in the future is refused (jose only checks exp and nbf).
        if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + 5)
          throw new AccessTokenError('"iat" claim is in the future');
        return payload as unknown as AccessTokenClaims;
      } catch (error) {
        if (error instanceof AccessTokenError) throw error;
        throw new AccessTokenError((error as Error).message);
      }
    },
  };
}
