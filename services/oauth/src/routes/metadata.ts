import { clientMetadata } from '@chronopost/bluesky';
import { json, NotFoundError, type Route } from '@chronopost/lambda-kit';
import type { OauthContext } from '../context';

const PUBLIC_CACHE = { 'cache-control': 'public, max-age=300' };

/** What authorization servers and API Gateway fetch from us: client metadata and key sets. */
export const metadataRoutes = (ctx: OauthContext): Route[] => [
  {
    method: 'GET',
    path: '/oauth/client-metadata.json',
    handler: async () => json(200, clientMetadata(ctx.config.oauthClient), PUBLIC_CACHE),
  },
  {
    method: 'GET',
    path: '/oauth/jwks.json',
    handler: async () => {
      if (ctx.config.oauthClient.mode !== 'confidential') throw new NotFoundError('no_client_keys');
      return json(200, (await ctx.oauthClient()).jwks, PUBLIC_CACHE);
    },
  },
  {
    method: 'GET',
    path: '/.well-known/jwks.json',
    handler: async () => json(200, ctx.appJwks, PUBLIC_CACHE),
  },
  {
    method: 'GET',
    path: '/.well-known/openid-configuration',
    // Just what API Gateway's JWT authorizer reads: the issuer and where its keys are.
    handler: async () =>
      json(
        200,
        {
          issuer: ctx.config.appTokens.issuer,
          jwks_uri: `${ctx.config.appTokens.issuer}/.well-known/jwks.json`,
          id_token_signing_alg_values_supported: ['RS256'],
          subject_types_supported: ['public'],
          response_types_supported: ['code'],
        },
        PUBLIC_CACHE,
      ),
  },
];
