import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type Lock, LockTimeoutError } from './lock';

export interface DynamoDbLockOptions {
  dynamodb: DynamoDBClient;
  table: string;
  /** How long a holder keeps the lock without renewing it; a crashed holder frees it after this. */
  leaseMs?: number;
  /** How long to wait for the lock before giving up. */
  waitMs?: number;
  now?: () => number;
}

/**
 * A distributed lock on DynamoDB: a conditional put wins the lock if no one holds it or the
 * holder's lease ran out; the holder renews the lease while it works and deletes the item (only
 * if still its own) when done. Waiters in other processes poll with jittered backoff; waiters in
 * this one queue in memory first and go to DynamoDB one at a time, so they take the lock the moment
 * it is released instead of a backoff later, and cost no failed writes (a publisher invocation
 * holds up to ten posts, often several of one account: `pnpm bench lateness`).
 */
export function createDynamoDbLock(options: DynamoDbLockOptions): Lock {
  const { dynamodb, table } = options;
  const leaseMs = options.leaseMs ?? 15_000;
  const waitMs = options.waitMs ?? 45_000;
  const now = options.now ?? Date.now;

  const acquire = async (pk: string, owner: string): Promise<boolean> => {
    try {
      await dynamodb.send(
        new PutItemCommand({
          TableName: table,
          Item: {
            pk: { S: pk },
            owner: { S: owner },
            leaseUntil: { N: String(now() + leaseMs) },
            expiresAt: { N: String(Math.ceil((now() + leaseMs) / 1000) + 3600) },
          },
          ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now',
          ExpressionAttributeValues: { ':now': { N: String(now()) } },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  };

  const renew = (pk: string, owner: string) =>
    dynamodb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: pk } },
        UpdateExpression: 'SET leaseUntil = :until',
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':until': { N: String(now() + leaseMs) }, ':owner': { S: owner } },
      }),
    );

  const release = async (pk: string, owner: string) => {
    try {
      await dynamodb.send(
        new DeleteItemCommand({
          TableName: table,
          Key: { pk: { S: pk } },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': { S: owner } },
        }),
      );
    } catch (error) {
      // Our lease ran out and someone else holds it now: theirs to release.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  };

  // Per name, the promise the next waiter of this process waits for (see run).
  const queues = new Map<string, Promise<void>>();
  return {
    async run(name, work) {
      // The wait counts from here: time queued behind this process's own holders included.
      const deadline = now() + waitMs;
      const previous = queues.get(name) ?? Promise.resolve();
      let done!: () => void;
      const mine = new Promise<void>((resolve) => (done = resolve));
      const tail = previous.then(() => mine);
      queues.set(name, tail);
      let timer: NodeJS.Timeout | undefined;
      try {
        const myTurn = await Promise.race([
          previous.then(() => true),
          new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline - now())))),
        ]);
        if (!myTurn) throw new LockTimeoutError(`timed out after ${waitMs} ms waiting for lock ${name} (held in this process)`);
        return await runAcrossProcesses(name, work, deadline);
      } finally {
        clearTimeout(timer);
        // Whoever queued behind this one goes next (a waiter that gave up passes its turn on too).
        done();
        if (queues.get(name) === tail) queues.delete(name);
      }
    },
  };

  async function runAcrossProcesses<T>(name: string, work: () => Promise<T>, deadline: number): Promise<T> {
    const pk = `lock#${name}`;
    const owner = randomUUID();
    let backoff = 20;
    while (!(await acquire(pk, owner))) {
      if (now() > deadline) throw new LockTimeoutError(`timed out after ${waitMs} ms waiting for lock ${name}`);
      await sleep(backoff + Math.random() * backoff);
      backoff = Math.min(backoff * 2, 250);
    }
    const heartbeat = setInterval(() => {
      renew(pk, owner).catch(() => undefined);
    }, leaseMs / 3);
    try {
      return await work();
    } finally {
      clearInterval(heartbeat);
      await release(pk, owner);
    }
  }
}
