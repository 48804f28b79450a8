import { readFile, stat, writeFile } from 'node:fs/promises';
import { generateAccessTokenKey } from '@chronopost/app-auth';
import { generateClientKey } from '@chronopost/bluesky';
import type { JWK } from 'jose';
import { StartupError } from './ports';

export interface LocalSecrets {
  /** RS256 keys of the app's access tokens (APP_JWT_PRIVATE_KEYS in AWS). */
  appJwtKeys: JWK[];
  /** ES256 keys of the confidential OAuth client (OAUTH_CLIENT_PRIVATE_KEYS in AWS). */
  oauthClientKeys: JWK[];
}

/**
 * The secrets a local run needs, which AWS takes from configuration: created on first run in a
 * file only its owner can read, and reused after, so app sessions and logins survive restarts.
 */
export async function loadOrCreateLocalSecrets(file: string): Promise<LocalSecrets> {
  let secrets: Partial<LocalSecrets> = {};
  try {
    const info = await stat(file);
    if ((info.mode & 0o077) !== 0) throw new StartupError(`${file} is readable by other users; run \`chmod 600 ${file}\`.`);
    secrets = JSON.parse(await readFile(file, 'utf8')) as Partial<LocalSecrets>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const complete: LocalSecrets = {
    appJwtKeys: secrets.appJwtKeys?.length ? secrets.appJwtKeys : [await generateAccessTokenKey()],
    oauthClientKeys: secrets.oauthClientKeys?.length ? secrets.oauthClientKeys : [(await generateClientKey()) as unknown as JWK],
  };
  if (complete.appJwtKeys !== secrets.appJwtKeys || complete.oauthClientKeys !== secrets.oauthClientKeys) {
    await writeFile(file, `${JSON.stringify(complete, null, 2)}\n`, { mode: 0o600 });
  }
  return complete;
}
