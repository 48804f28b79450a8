/**
 * Binds a ciphertext to what it is for: decrypting with another context fails. Every envelope of
 * a stored session carries `{ did, purpose }`, so a row copied onto another account cannot be read.
 */
export type EncryptionContext = Readonly<Record<string, string>>;

export interface DataKey {
  /** 32 bytes for AES-256-GCM. Never stored, never logged. */
  plaintext: Buffer;
  /** The data key wrapped by the master key (KMS, or the local key file). Safe to store. */
  encrypted: Buffer;
  /** Which master key wrapped it. */
  keyId: string;
}

/** Where data keys come from: KMS in AWS (`keyring-kms.ts`), a local master key elsewhere (`keyring-local.ts`). */
export interface Keyring {
  generateDataKey(context: EncryptionContext): Promise<DataKey>;
  decryptDataKey(encrypted: Buffer, keyId: string, context: EncryptionContext): Promise<Buffer>;
}

/** A stable, order-independent serialisation of a context, used as AES-GCM additional data. */
export const canonicalContext = (context: EncryptionContext): Buffer =>
  Buffer.from(
    JSON.stringify(
      Object.keys(context)
        .sort()
        .map((key) => [key, context[key]]),
    ),
    'utf8',
  );

export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
}
