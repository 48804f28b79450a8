import { randomBytes } from 'node:crypto';
import { open, seal } from './aes-gcm';
import { canonicalContext, DecryptionError, type EncryptionContext, type Keyring } from './keyring';
import type { MasterKey } from './master-key-file';

/**
 * A keyring backed by a local master key (the stand-in for a KMS key): data keys are random and
 * wrapped with AES-256-GCM under the master key, the encryption context as additional data.
 */
export function createLocalKeyring(master: Pick<MasterKey, 'key' | 'keyId'>): Keyring {
  return {
    async generateDataKey(context) {
      const plaintext = randomBytes(32);
      return { plaintext, encrypted: seal(master.key, plaintext, canonicalContext(context)), keyId: master.keyId };
    },
    async decryptDataKey(encrypted: Buffer, keyId: string, context: EncryptionContext) {
      if (keyId !== master.keyId) throw new DecryptionError(`data key was wrapped by ${keyId}, not by this master key (${master.keyId})`);
      return open(master.key, encrypted, canonicalContext(context));
    },
  };
}
