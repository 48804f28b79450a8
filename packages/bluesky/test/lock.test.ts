import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createTables } from '@chronopost/local';
import { testDynamoDbClient, uniqueName } from '@chronopost/testing';
import { describe, expect, it } from 'vitest';
import { createDynamoDbLock, createMemoryLock, type Lock, LockTimeoutError } from '../src';

const dynamodb = testDynamoDbClient();

async function maxConcurrency(lock: Lock, runs: number, name = 'session-1'): Promise<number> {
  let inside = 0;
  let max = 0;
  await Promise.all(
    Array.from({ length: runs }, () =>
      lock.run(name, async () => {
        inside += 1;
        max = Math.max(max, inside);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inside -= 1;
      }),
    ),
  );
  return max;
}

describe('DynamoDB lock', () => {
  const newTable = async () => {
    const table = uniqueName('locks');
    await createTables(dynamodb, [table]);
    return table;
  };

  it('lets one holder at a time in, across separate lock clients', async () => {
    const table = await newTable();
    // Ten "containers", each its own lock client over the same table.
    const locks = Array.from({ length: 10 }, () => createDynamoDbLock({ dynamodb: testDynamoDbClient(), table }));
    let inside = 0;
    let max = 0;
    await Promise.all(
      locks.map((lock) =>
        lock.run('did:plc:abc', async () => {
          inside += 1;
          max = Math.max(max, inside);
          await new Promise((resolve) => setTimeout(resolve, 10));
          inside -= 1;
        }),
      ),
    );
    expect(max).toBe(1);
  });

  it('queues waiters of the same process in memory: each takes the lock with one write, none polls', async () => {
    const client = testDynamoDbClient();
    const puts: string[] = [];
    // Observes the requests the SDK sends (nothing is replaced): one PutItem per attempt to acquire.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutItemCommand') puts.push(context.commandName);
        return next(args);
      },
      { step: 'initialize', name: 'countPuts' },
    );
    const lock = createDynamoDbLock({ dynamodb: client, table: await newTable() });
    expect(await maxConcurrency(lock, 6, 'did:plc:samebatch')).toBe(1);
    expect(puts).toHaveLength(6);
  });

  it('gives up after its wait when a holder in the same process keeps the lock, and the queue moves on', async () => {
    const lock = createDynamoDbLock({ dynamodb, table: await newTable(), waitMs: 200 });
    let release!: () => void;
    const holder = lock.run('did:plc:held', () => new Promise<void>((resolve) => (release = resolve)));
    const waiter = lock.run('did:plc:held', async () => 'in');
    await expect(waiter).rejects.toBeInstanceOf(LockTimeoutError);
    release();
    await holder;
    // The one that gave up did not block those after it.
    await expect(lock.run('did:plc:held', async () => 'next')).resolves.toBe('next');
  });

  it('does not serialise different names', async () => {
    const lock = createDynamoDbLock({ dynamodb, table: await newTable() });
    const order: string[] = [];
    await Promise.all([
      lock.run('a', async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        order.push('a');
      }),
      lock.run('b', async () => {
        order.push('b');
      }),
    ]);
    expect(order).toEqual(['b', 'a']);
  });

  it('releases the lock when the work throws', async () => {
    const lock = createDynamoDbLock({ dynamodb, table: await newTable(), waitMs: 2_000 });
    await expect(lock.run('x', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.run('x', async () => 'again')).resolves.toBe('again');
  });

  it('takes over from a holder that crashed once its lease ran out', async () => {
    const table = await newTable();
    // A holder that died without releasing: its lease ended a second ago.
    await dynamodb.send(
      new PutItemCommand({
        TableName: table,
        Item: { pk: { S: 'lock#crashed' }, owner: { S: 'dead-container' }, leaseUntil: { N: String(Date.now() - 1_000) } },
      }),
    );
    const lock = createDynamoDbLock({ dynamodb, table, waitMs: 2_000 });
    await expect(lock.run('crashed', async () => 'mine')).resolves.toBe('mine');
  });

  it('gives up after its wait when a live holder keeps the lock', async () => {
    const table = await newTable();
    const holder = createDynamoDbLock({ dynamodb, table, leaseMs: 3_000 });
    const waiter = createDynamoDbLock({ dynamodb, table, waitMs: 300 });
    let release!: () => void;
    const held = holder.run('busy', () => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(waiter.run('busy', async () => 'never')).rejects.toBeInstanceOf(LockTimeoutError);
    release();
    await held;
  });

  it('renews the lease of long work, so no one else gets in meanwhile', async () => {
    const table = await newTable();
    const first = createDynamoDbLock({ dynamodb, table, leaseMs: 300 });
    const second = createDynamoDbLock({ dynamodb, table, leaseMs: 300, waitMs: 5_000 });
    const events: string[] = [];
    await Promise.all([
      first.run('long', async () => {
        events.push('first in');
        await new Promise((resolve) => setTimeout(resolve, 1_000)); // three leases long
        events.push('first out');
      }),
      new Promise((resolve) => setTimeout(resolve, 50)).then(() => second.run('long', async () => events.push('second in'))),
    ]);
    expect(events).toEqual(['first in', 'first out', 'second in']);
  });
});

describe('memory lock', () => {
  it('lets one holder at a time in', async () => {
    expect(await maxConcurrency(createMemoryLock(), 20)).toBe(1);
  });
});
