import { accounts, posts } from '@chronopost/db';
import { createLogger } from '@chronopost/lambda-kit';
import type { PublishMessage } from '@chronopost/shared-schemas';
import { lambdaContext } from '@chronopost/local';
import { createTestDatabase, sqsRecord, type TestDatabase } from '@chronopost/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, loadConfig, makeHandler } from '../src/app';

const context = lambdaContext('publisher', 60_000);

const message = (postId: string): PublishMessage => ({
  postId,
  action: 'publish',
  attempt: 1,
  requestedAt: new Date().toISOString(),
  scheduledAt: new Date().toISOString(),
});

describe('publisher', () => {
  let database: TestDatabase;
  let postId: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    await database.db.insert(accounts).values({ did: 'did:plc:alice', handle: 'alice.test', pdsUrl: 'http://pds.test' });
    const [post] = await database.db
      .insert(posts)
      .values({ ownerDid: 'did:plc:alice', status: 'queued', scheduledAt: new Date(), nextAttemptAt: new Date() })
      .returning({ id: posts.id });
    postId = post!.id;
  });
  afterAll(async () => {
    await database.drop();
  });

  it('fails only the messages it can never process, and acknowledges the rest', async () => {
    const ctx = createContext(loadConfig({ DATABASE_URL: database.config.url }), { db: database.db, logger: createLogger('test', 'SILENT') });
    const handler = makeHandler(ctx);
    const response = await handler(
      {
        Records: [
          sqsRecord('known', JSON.stringify(message(postId))),
          sqsRecord('deleted-post', JSON.stringify(message('00000000-0000-4000-8000-000000000000'))),
          sqsRecord('not-json', '{"postId":'),
          sqsRecord('wrong-shape', JSON.stringify({ ...message(postId), action: 'delete' })),
        ],
      },
      context,
    );
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(['not-json', 'wrong-shape']);
  });
});
