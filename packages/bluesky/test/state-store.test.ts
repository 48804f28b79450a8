import { randomBytes } from 'node:crypto';
import type { NodeSavedState } from '@atproto/oauth-client-node';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { createTables } from '@chronopost/local';
import { testDynamoDbClient, uniqueName } from '@chronopost/testing';
import { createLocalKeyring, createVault } from '@chronopost/vault';
import { describe, expect, it } from 'vitest';
import { createDynamoDbStateStore } from '../src';

const state: NodeSavedState = {
  iss: 'https://pds.example',
  dpopJwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'dpop-private-part' },
  authMethod: { method: 'none' },
  verifier: 'pkce-verifier-0123456789',
  appState: '{"returnTo":"/"}',
};

describe('DynamoDB state store', () => {
  const dynamodb = testDynamoDbClient();
  const vault = createVault(createLocalKeyring({ key: randomBytes(32), keyId: 'local:test' }));

  it('round-trips a pending login, stored encrypted', async () => {
    const table = uniqueName('state');
    await createTables(dynamodb, [table]);
    const store = createDynamoDbStateStore({ dynamodb, table, vault });
    await store.set('abc', state);
    expect(await store.get('abc')).toEqual(state);
    const { Items } = await dynamodb.send(new ScanCommand({ TableName: table }));
    const raw = JSON.stringify(Items);
    expect(raw).not.toContain('pkce-verifier');
    expect(raw).not.toContain(Buffer.from('pkce-verifier').toString('base64'));
    expect(Number(Items?.[0]?.expiresAt?.N)).toBeGreaterThan(Date.now() / 1000);
    await store.del('abc');
    expect(await store.get('abc')).toBeUndefined();
  });

  it('treats an expired item as gone, although it is still in the table', async () => {
    const table = uniqueName('state');
    await createTables(dynamodb, [table]);
    let now = Date.now();
    const store = createDynamoDbStateStore({ dynamodb, table, vault, ttlSeconds: 600, now: () => now });
    await store.set('late', state);
    now += 601_000;
    expect(await store.get('late')).toBeUndefined();
    const { Count } = await dynamodb.send(new ScanCommand({ TableName: table }));
    expect(Count).toBe(1);
  });
});
