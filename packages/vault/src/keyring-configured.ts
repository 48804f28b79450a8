import type { KMSClient } from '@aws-sdk/client-kms';
import type { Keyring } from './keyring';
import { createKmsKeyring } from './keyring-kms';
import { createLocalKeyring } from './keyring-local';
import { loadOrCreateMasterKey } from './master-key-file';

export type KeyringConfig = { kind: 'kms'; keyId: string } | { kind: 'local'; file: string };

/**
 * The keyring a deployment's configuration names: KMS in AWS, the local master key file
 * elsewhere. Built lazily, so a cold start does no I/O until the first envelope is needed.
 */
export function createConfiguredKeyring(config: KeyringConfig, kms: () => KMSClient): Keyring {
  let ready: Promise<Keyring> | undefined;
  const keyring = () =>
    (ready ??=
      config.kind === 'kms'
        ? Promise.resolve(createKmsKeyring(kms(), config.keyId))
        : loadOrCreateMasterKey(config.file).then(createLocalKeyring));
  return {
    generateDataKey: async (context) => (await keyring()).generateDataKey(context),
    decryptDataKey: async (encrypted, keyId, context) => (await keyring()).decryptDataKey(encrypted, keyId, context),
  };
}
