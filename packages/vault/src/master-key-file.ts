import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export const MASTER_KEY_BYTES = 32;

export interface MasterKey {
  key: Buffer;
  /** A fingerprint naming the key in stored envelopes (`local:<hex>`), never the key itself. */
  keyId: string;
  created: boolean;
}

export class MasterKeyFileError extends Error {
  override readonly name = 'MasterKeyFileError';
}

const fingerprint = (key: Buffer) => `local:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;

/**
 * The local stand-in for a KMS key: 32 random bytes in a file only its owner can read, created on
 * first run and reused after. A file others can read, or of the wrong size, is refused.
 */
export async function loadOrCreateMasterKey(path: string): Promise<MasterKey> {
  try {
    const info = await stat(path);
    if ((info.mode & 0o077) !== 0) {
      throw new MasterKeyFileError(
        `${path} is readable by other users (mode ${(info.mode & 0o777).toString(8)}); run \`chmod 600 ${path}\`.`,
      );
    }
    const key = Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
    if (key.length !== MASTER_KEY_BYTES) {
      throw new MasterKeyFileError(
        `${path} does not hold a ${MASTER_KEY_BYTES}-byte base64 key; restore it from a backup (sessions encrypted with it cannot be read without it).`,
      );
    }
    return { key, keyId: fingerprint(key), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dirname(path), { recursive: true });
  const key = randomBytes(MASTER_KEY_BYTES);
  try {
    // `wx`: if another process created the file meanwhile, keep theirs.
    await writeFile(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateMasterKey(path);
    throw error;
  }
  return { key, keyId: fingerprint(key), created: true };
}
