import { createHash } from 'node:crypto';
import { open, seal } from './aes-gcm';
import { canonicalContext, type DataKey, type EncryptionContext, type Keyring } from './keyring';

/** What is stored: nothing here is secret without the master key. */
export interface Envelope {
  ciphertext: Buffer;
  encryptedDataKey: Buffer;
  keyId: string;
}

export interface VaultOptions {
  /** How many envelopes one data key may seal before a new one is generated. */
  maxDataKeyUses?: number;
  /** How long a data key (generated or decrypted) stays in this container's memory. */
  dataKeyTtlMs?: number;
  /** How many decrypted data keys to keep. */
  maxCachedKeys?: number;
  now?: () => number;
}

interface CachedKey {
  key: DataKey;
  uses: number;
  expiresAt: number;
}

/**
 * Envelope encryption. Each envelope is AES-256-GCM under a data key that the keyring wraps, and
 * both layers are bound to the encryption context. Data keys are reused within one container for
 * the same context, with a bound on uses and age, so a burst of refreshes does not call KMS each
 * time; decrypted data keys are cached the same way.
 */
export function createVault(keyring: Keyring, options: VaultOptions = {}) {
  const maxUses = options.maxDataKeyUses ?? 1_000;
  const ttlMs = options.dataKeyTtlMs ?? 5 * 60_000;
  const maxCached = options.maxCachedKeys ?? 500;
  const now = options.now ?? Date.now;
  const sealing = new Map<string, CachedKey>();
  const opening = new Map<string, { plaintext: Buffer; expiresAt: number }>();

  const remember = <V>(map: Map<string, V>, key: string, value: V) => {
    map.delete(key);
    map.set(key, value);
    if (map.size > maxCached) map.delete(map.keys().next().value!);
  };

  async function dataKeyFor(context: EncryptionContext): Promise<DataKey> {
    const id = canonicalContext(context).toString('base64');
    const cached = sealing.get(id);
    if (cached && cached.uses < maxUses && cached.expiresAt > now()) {
      cached.uses += 1;
      return cached.key;
    }
    const key = await keyring.generateDataKey(context);
    remember(sealing, id, { key, uses: 1, expiresAt: now() + ttlMs });
    return key;
  }

  return {
    async seal(plaintext: Buffer, context: EncryptionContext): Promise<Envelope> {
      const dataKey = await dataKeyFor(context);
      return {
        ciphertext: seal(dataKey.plaintext, plaintext, canonicalContext(context)),
        encryptedDataKey: dataKey.encrypted,
        keyId: dataKey.keyId,
      };
    },

    async open(envelope: Envelope, context: EncryptionContext): Promise<Buffer> {
      const aad = canonicalContext(context);
      const id = createHash('sha256').update(envelope.encryptedDataKey).update(aad).digest('base64');
      let cached = opening.get(id);
      if (!cached || cached.expiresAt <= now()) {
        cached = { plaintext: await keyring.decryptDataKey(envelope.encryptedDataKey, envelope.keyId, context), expiresAt: now() + ttlMs };
        remember(opening, id, cached);
      }
      return open(cached.plaintext, envelope.ciphertext, aad);
    },

    /** JSON convenience: what the session and state stores use. */
    async sealJson(value: unknown, context: EncryptionContext): Promise<Envelope> {
      return this.seal(Buffer.from(JSON.stringify(value), 'utf8'), context);
    },
    async openJson<T>(envelope: Envelope, context: EncryptionContext): Promise<T> {
      return JSON.parse((await this.open(envelope, context)).toString('utf8')) as T;
    },
  };
}
export type Vault = ReturnType<typeof createVault>;
