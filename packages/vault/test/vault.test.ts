import { KMSClient } from '@aws-sdk/client-kms';
import { startTestKmsServer, type TestKmsServer } from '@chronopost/testing';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKmsKeyring, createLocalKeyring, createVault, DecryptionError, type Keyring } from '../src';

const alice = { did: 'did:plc:alice', purpose: 'oauth-session' };
const bob = { did: 'did:plc:bob', purpose: 'oauth-session' };

describe('vault', () => {
  let kms: TestKmsServer;
  let kmsKeyring: Keyring;
  beforeAll(async () => {
    kms = await startTestKmsServer();
    kmsKeyring = createKmsKeyring(
      new KMSClient({ endpoint: kms.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
      kms.keyArn,
    );
  });
  afterAll(async () => {
    await kms.close();
  });

  const keyrings = () => ({
    'KMS over HTTP': kmsKeyring,
    'local master key': createLocalKeyring({ key: randomBytes(32), keyId: 'local:test' }),
  });

  for (const name of ['KMS over HTTP', 'local master key'] as const) {
    describe(`with the ${name} keyring`, () => {
      it('round-trips a secret and stores nothing readable', async () => {
        const vault = createVault(keyrings()[name]);
        const secret = { refresh_token: 'rt-0123456789abcdef', access_token: 'at-fedcba9876543210' };
        const envelope = await vault.sealJson(secret, alice);
        for (const part of [envelope.ciphertext, envelope.encryptedDataKey]) {
          expect(part.includes(Buffer.from('rt-0123456789abcdef'))).toBe(false);
          expect(part.includes(Buffer.from('at-fedcba9876543210'))).toBe(false);
        }
        expect(await vault.openJson(envelope, alice)).toEqual(secret);
      });

      it('refuses to decrypt with another DID in the context', async () => {
        const keyring = keyrings()[name];
        const envelope = await createVault(keyring).sealJson({ token: 'x' }, alice);
        // A fresh vault, so no cached data key hides what the keyring itself does.
        await expect(createVault(keyring).openJson(envelope, bob)).rejects.toBeInstanceOf(DecryptionError);
        await expect(createVault(keyring).openJson(envelope, { ...alice, purpose: 'oauth-state' })).rejects.toBeInstanceOf(DecryptionError);
      });

      it('detects a tampered ciphertext', async () => {
        const vault = createVault(keyrings()[name]);
        const envelope = await vault.sealJson({ token: 'x' }, alice);
        envelope.ciphertext[envelope.ciphertext.length - 1]! ^= 1;
        await expect(vault.openJson(envelope, alice)).rejects.toBeInstanceOf(DecryptionError);
      });
    });
  }

  it('reuses a data key per context within its bounds, so KMS is not called per seal', async () => {
    const generated = kms.calls['TrentService.GenerateDataKey'] ?? 0;
    let clock = 0;
    const vault = createVault(kmsKeyring, { maxDataKeyUses: 3, dataKeyTtlMs: 1_000, now: () => clock });
    for (let index = 0; index < 3; index++) await vault.sealJson({ index }, alice);
    expect((kms.calls['TrentService.GenerateDataKey'] ?? 0) - generated).toBe(1);
    await vault.sealJson({ index: 4 }, alice); // fourth use: a new key
    await vault.sealJson({ index: 0 }, bob); // another context: its own key
    clock = 2_000;
    await vault.sealJson({ index: 5 }, alice); // expired: a new key
    expect((kms.calls['TrentService.GenerateDataKey'] ?? 0) - generated).toBe(4);
  });

  it('caches decrypted data keys, so restoring a session twice costs one KMS call', async () => {
    const envelope = await createVault(kmsKeyring).sealJson({ token: 'y' }, alice);
    const decrypts = kms.calls['TrentService.Decrypt'] ?? 0;
    const vault = createVault(kmsKeyring);
    await vault.openJson(envelope, alice);
    await vault.openJson(envelope, alice);
    expect((kms.calls['TrentService.Decrypt'] ?? 0) - decrypts).toBe(1);
  });

  it('a local keyring refuses keys wrapped by another master key', async () => {
    const envelope = await createVault(createLocalKeyring({ key: randomBytes(32), keyId: 'local:one' })).sealJson({ a: 1 }, alice);
    await expect(createVault(createLocalKeyring({ key: randomBytes(32), keyId: 'local:two' })).openJson(envelope, alice)).rejects.toThrow(
      /wrapped by local:one/,
    );
  });
});
