import { DecryptCommand, GenerateDataKeyCommand, InvalidCiphertextException, type KMSClient } from '@aws-sdk/client-kms';
import { DecryptionError, type Keyring } from './keyring';

/**
 * A keyring backed by AWS KMS: `GenerateDataKey` (AES_256) and `Decrypt`, both with the encryption
 * context, which KMS binds to the wrapped key and records in CloudTrail.
 */
export function createKmsKeyring(kms: KMSClient, keyId: string): Keyring {
  return {
    async generateDataKey(context) {
      const result = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: { ...context } }));
      if (!result.Plaintext || !result.CiphertextBlob) throw new Error('KMS returned no data key');
      return { plaintext: Buffer.from(result.Plaintext), encrypted: Buffer.from(result.CiphertextBlob), keyId: result.KeyId ?? keyId };
    },
    async decryptDataKey(encrypted, wrappedBy, context) {
      try {
        const result = await kms.send(
          new DecryptCommand({ CiphertextBlob: encrypted, KeyId: wrappedBy, EncryptionContext: { ...context } }),
        );
        if (!result.Plaintext) throw new Error('KMS returned no plaintext');
        return Buffer.from(result.Plaintext);
      } catch (error) {
        if (error instanceof InvalidCiphertextException)
          throw new DecryptionError('KMS refused the data key (wrong key or encryption context)');
        throw error;
      }
    },
  };
}
