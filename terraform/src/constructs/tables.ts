import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import type { Construct } from 'constructs';

/** The attribute (epoch seconds) DynamoDB's TTL deletes by; readers also check it, since TTL lags. */
export const TTL_ATTRIBUTE = 'expiresAt';

/** A table keyed by a string `pk` with TTL on `expiresAt`, as `packages/local` creates locally. */
export const ttlTable = (scope: Construct, id: string, name: string, deletionProtection: boolean) =>
  new DynamodbTable(scope, id, {
    name,
    billingMode: 'PAY_PER_REQUEST',
    hashKey: 'pk',
    attribute: [{ name: 'pk', type: 'S' }],
    ttl: { attributeName: TTL_ATTRIBUTE, enabled: true },
    serverSideEncryption: { enabled: true },
    deletionProtectionEnabled: deletionProtection,
  });
