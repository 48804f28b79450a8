import { DeleteItemCommand, type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { NodeSavedState, NodeSavedStateStore } from '@atproto/oauth-client-node';
import type { Vault } from '@chronopost/vault';

/** How long a started login may take before its state is forgotten. */
export const STATE_TTL_SECONDS = 600;

/**
 * Pending logins (PKCE verifier, DPoP key, our app state) in DynamoDB, sealed by the vault. Items
 * carry an `expiresAt` for DynamoDB's TTL, and expiry is also checked on read, because TTL deletion
 * lags and the local stand-in has none.
 */
export function createDynamoDbStateStore(options: {
  dynamodb: DynamoDBClient;
  table: string;
  vault: Vault;
  ttlSeconds?: number;
  now?: () => number;
}): NodeSavedStateStore {
  const { dynamodb, table, vault } = options;
  const ttl = options.ttlSeconds ?? STATE_TTL_SECONDS;
  const now = options.now ?? Date.now;
  const pk = (key: string) => ({ pk: { S: `oauth-state#${key}` } });
  const context = (key: string) => ({ purpose: 'oauth-state', state: key });

  return {
    async set(key: string, state: NodeSavedState) {
      const envelope = await vault.sealJson(state, context(key));
      await dynamodb.send(
        new PutItemCommand({
          TableName: table,
          Item: {
            ...pk(key),
            ciphertext: { B: envelope.ciphertext },
            encryptedDataKey: { B: envelope.encryptedDataKey },
            keyId: { S: envelope.keyId },
            expiresAt: { N: String(Math.floor(now() / 1000) + ttl) },
          },
        }),
      );
    },
    async get(key: string) {
      const { Item } = await dynamodb.send(new GetItemCommand({ TableName: table, Key: pk(key), ConsistentRead: true }));
      if (!Item?.ciphertext?.B || !Item.encryptedDataKey?.B || !Item.keyId?.S) return undefined;
      if (Number(Item.expiresAt?.N ?? 0) * 1000 <= now()) return undefined;
      return vault.openJson<NodeSavedState>(
        { ciphertext: Buffer.from(Item.ciphertext.B), encryptedDataKey: Buffer.from(Item.encryptedDataKey.B), keyId: Item.keyId.S },
        context(key),
      );
    },
    async del(key: string) {
      await dynamodb.send(new DeleteItemCommand({ TableName: table, Key: pk(key) }));
    },
  };
}
