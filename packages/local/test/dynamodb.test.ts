import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { testDynamoDbClient, uniqueName } from '@chronopost/testing';
import { describe, expect, it } from 'vitest';
import { createTables } from '../src';

describe('local DynamoDB', () => {
  const dynamodb = testDynamoDbClient();

  it('lets exactly one of many concurrent conditional writes win', async () => {
    const table = uniqueName('locks');
    await createTables(dynamodb, [table]);
    const attempt = (owner: string) =>
      dynamodb.send(
        new PutItemCommand({
          TableName: table,
          Item: { pk: { S: 'lock#did:plc:abc' }, owner: { S: owner } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, index) => attempt(`worker-${index}`)));

    const winners = results.filter((result) => result.status === 'fulfilled');
    const losers = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(9);
    for (const loser of losers) expect(loser.reason).toBeInstanceOf(ConditionalCheckFailedException);

    const stored = await dynamodb.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: 'lock#did:plc:abc' } }, ConsistentRead: true }),
    );
    const winnerIndex = results.findIndex((result) => result.status === 'fulfilled');
    expect(stored.Item?.owner?.S).toBe(`worker-${winnerIndex}`);
  });

  it('creates tables idempotently', async () => {
    const table = uniqueName('state');
    await createTables(dynamodb, [table]);
    await expect(createTables(dynamodb, [table])).resolves.toBeUndefined();
  });
});
