/**
 * `node --import tsx scripts/deploy/generate-keys.ts <app-jwt|oauth-client>`: prints a fresh JSON
 * array with one private JWK, the value of APP_JWT_PRIVATE_KEYS (RS256, the app's access tokens)
 * or OAUTH_CLIENT_PRIVATE_KEYS (ES256, the confidential OAuth client). The preview workflow seeds a
 * preview's secrets with it; production's are put once by hand (docs/deploy.md).
 */
import { fileURLToPath } from 'node:url';
import { generateAccessTokenKey } from '@chronopost/app-auth';
import { generateClientKey } from '@chronopost/bluesky';

export async function generateKeys(kind: 'app-jwt' | 'oauth-client'): Promise<string> {
  const key = kind === 'app-jwt' ? await generateAccessTokenKey() : await generateClientKey();
  return JSON.stringify([key]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const kind = process.argv[2];
  if (kind !== 'app-jwt' && kind !== 'oauth-client') {
    console.error('usage: generate-keys.ts app-jwt|oauth-client');
    process.exitCode = 2;
  } else {
    process.stdout.write(await generateKeys(kind));
  }
}
