import { accounts, posts } from '@chronopost/db';
import { collectMetrics, createLogger, createMetrics } from '@chronopost/lambda-kit';
import { createPublishQueues, scheduledEvent } from '@chronopost/local';
import { METRIC_NAMES } from '@chronopost/shared-schemas';
import { createTestDatabase, type TestDatabase, testSqsClient, uniqueName } from '@chronopost/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, loadConfig, loadSecrets, makeHandler } from '../src/app';

describe('dispatcher metrics', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('emits a heartbeat and what each tick queued, as EMF in the configured namespace', async () => {
    const queues = await createPublishQueues(testSqsClient(), {
      name: uniqueName('publish'),
      deadLetterName: uniqueName('dlq'),
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 30,
    });
    await database.db.insert(accounts).values({ did: 'did:plc:metrics', handle: 'metrics.test', pdsUrl: 'http://pds.test' });
    const due = new Date(Date.now() + 5_000);
    await database.db
      .insert(posts)
      .values([0, 1].map(() => ({ ownerDid: 'did:plc:metrics', status: 'scheduled' as const, scheduledAt: due, nextAttemptAt: due })));
    const env = {
      DATABASE_URL: database.config.url,
      PUBLISH_QUEUE_URL: queues.queueUrl,
      METRICS_NAMESPACE: 'Chronopost/pr-7',
    };
    const config = loadConfig(env);
    const sink = collectMetrics();
    const handler = makeHandler(
      createContext(config, loadSecrets(env), {
        db: database.db,
        sqs: testSqsClient(),
        logger: createLogger('test', 'SILENT'),
        metrics: createMetrics({ service: 'dispatcher', namespace: config.metricsNamespace, write: sink.write }),
      }),
    );
    const context = { functionName: 'dispatcher', awsRequestId: 'r1', getRemainingTimeInMillis: () => 60_000 };
    await handler(scheduledEvent('dispatch', new Date()), context as never);
    await handler(scheduledEvent('dispatch', new Date()), context as never);

    expect(sink.lines).toHaveLength(2);
    expect(sink.values(METRIC_NAMES.dispatchTicks)).toEqual([1, 1]);
    expect(sink.values(METRIC_NAMES.postsDispatched)).toEqual([2, 0]);
    const emf = JSON.parse(sink.lines[0]!) as { service: string; _aws: { CloudWatchMetrics: { Namespace: string }[] } };
    expect(emf.service).toBe('dispatcher');
    expect(emf._aws.CloudWatchMetrics[0]!.Namespace).toBe('Chronopost/pr-7');
  });
});
