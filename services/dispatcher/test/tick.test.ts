import { accounts, posts } from '@chronopost/db';
import { createLogger } from '@chronopost/lambda-kit';
import { createTestDatabase, type TestDatabase } from '@chronopost/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, loadConfig } from '../src/app';
import { tick } from '../src/tick';

describe('dispatcher tick', () => {
  let database: TestDatabase;
  const now = new Date('2026-11-22T12:00:00.000Z');
  const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.db.insert(accounts).values({ did: 'did:plc:bob', handle: 'bob.test', pdsUrl: 'http://pds.test' });
    const post = (status: 'draft' | 'scheduled' | 'retrying' | 'published', next: Date | null) => ({
      ownerDid: 'did:plc:bob',
      status,
      scheduledAt: status === 'draft' ? null : (next ?? now),
      nextAttemptAt: next,
    });
    await database.db.insert(posts).values([
      post('scheduled', at(-5)), // overdue
      post('scheduled', at(30)), // due before the next tick
      post('retrying', at(10)), // retry due
      post('scheduled', at(600)), // later
      post('retrying', at(3600)), // retry later
      post('draft', null),
      post('published', at(-60)),
    ]);
  });
  afterAll(async () => {
    await database.drop();
  });

  it('counts what falls due before the next tick, in both due states', async () => {
    const config = loadConfig({ DATABASE_URL: database.config.url, PUBLISH_QUEUE_URL: 'http://127.0.0.1:1/000000000000/unused' });
    const ctx = createContext(config, { db: database.db, logger: createLogger('test', 'SILENT'), now: () => now });
    expect(await tick(ctx)).toEqual({ at: now.toISOString(), due: 3 });
  });
});
