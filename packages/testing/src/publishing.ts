import { GetQueueAttributesCommand, PurgeQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createLogger } from '@chronopost/lambda-kit';
import { createPdsAccount, createPublishQueues, deliverBatch, type PublishQueues, receiveBatch } from '@chronopost/local';
import * as dispatcher from '@chronopost/service-dispatcher';
import * as publisher from '@chronopost/service-publisher';
import * as tokenRefresher from '@chronopost/service-token-refresher';
import { type CreatePostInput, type Post, postResponseSchema, postSchema } from '@chronopost/shared-schemas';
import { afterAll, beforeAll, expect } from 'vitest';
import { testSqsClient } from './aws';
import { createTestDatabase, type TestDatabase } from './database';
import { testEnvironment } from './environment';
import { type HttpServices, startHttpServices } from './http-services';
import { uniqueName } from './names';
import { accessToken, login } from './oauth-login';

/** A PDS account that logged in to Chronopost through the real OAuth flow. */
export interface TestUser {
  did: string;
  handle: string;
  password: string;
  /** An app access token for the API. */
  token: string;
}

export interface PublishingRig {
  database: TestDatabase;
  services: HttpServices;
  sqs: SQSClient;
  queues: PublishQueues;
  bucket: string;
  publisherEnv: Record<string, string>;
  dispatcherEnv: Record<string, string>;
  /** A publisher "container" on this rig (overrides: a faulty fetch, a fake clock, …). */
  publisher(overrides?: Partial<publisher.PublisherContext>): publisher.PublisherContext;
  dispatcher(overrides?: Partial<dispatcher.DispatcherContext>): dispatcher.DispatcherContext;
  /** A token refresher "container" on this rig, sharing the lock table and master key. */
  refresher(overrides?: Partial<tokenRefresher.TokenRefresherContext>): tokenRefresher.TokenRefresherContext;
  /** A new PDS account, logged in to Chronopost with OAuth (its session is stored as in production). */
  user(): Promise<TestUser>;
  /** POST /posts as the user; fails the test unless it was created. */
  schedule(user: TestUser, body: CreatePostInput): Promise<Post>;
  /** GET /posts/{id} as the user. */
  post(user: TestUser, id: string): Promise<Post>;
  /**
   * One batch from the publish queue to a publisher, as the event source mapping delivers it
   * (waiting up to `waitSeconds` for the first message). Returns what it delivered.
   */
  deliver(
    ctx: publisher.PublisherContext,
    options?: { waitSeconds?: number; timeoutMs?: number },
  ): Promise<Awaited<ReturnType<typeof deliverBatch>> & { count: number }>;
  /** Messages in the publish queue: visible, in flight (received, not deleted) and delayed. */
  depth(queueUrl?: string): Promise<{ visible: number; inFlight: number; delayed: number }>;
  purge(queueUrl?: string): Promise<void>;
}

const PUBLISHER_TIMEOUT_MS = 60_000;

/**
 * The whole publishing path for one test file: its own database, the oauth and api services
 * behind the local gateway, its own publish queue with a dead-letter queue on the shared local
 * SQS, a media bucket, and publisher and dispatcher contexts configured as the local runtime
 * configures them. Users log in through the real OAuth flow against the shared local PDS.
 */
export function usePublishingRig(
  options: {
    visibilityTimeoutSeconds?: number;
    maxReceiveCount?: number;
    env?: Record<string, string>;
    /**
     * Give the API the publish queue, as the local runtime and AWS do, so it dispatches posts due
     * before the next tick itself. Off by default: most tests drive the dispatcher's tick by hand.
     */
    apiDispatches?: boolean;
  } = {},
): PublishingRig {
  const rig = {} as PublishingRig;
  beforeAll(async () => {
    const database = await createTestDatabase();
    const sqs = testSqsClient();
    const name = uniqueName('publish');
    const queues = await createPublishQueues(sqs, {
      name,
      deadLetterName: `${name}-dlq`,
      maxReceiveCount: options.maxReceiveCount ?? 5,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 90,
    });
    // Posts may be scheduled a second ahead, so tests can watch them go out on the real clock.
    const services = await startHttpServices({
      database,
      env: { SCHEDULE_MIN_LEAD_SECONDS: '1', ...(options.apiDispatches ? { PUBLISH_QUEUE_URL: queues.queueUrl } : {}), ...options.env },
    });
    // One media bucket for the api (uploads) and the publisher (blobs), as in AWS.
    const bucket = services.env.MEDIA_BUCKET!;
    const publisherEnv = services.env;
    const dispatcherEnv = { ...services.env, PUBLISH_QUEUE_URL: queues.queueUrl, PUBLISH_DLQ_URL: queues.deadLetterQueueUrl };
    const publisherConfig = publisher.loadConfig(publisherEnv);
    const dispatcherConfig = dispatcher.loadConfig(dispatcherEnv);
    const refresherConfig = tokenRefresher.loadConfig(publisherEnv);
    const silent = createLogger('test', 'SILENT');
    const api = async (user: TestUser, path: string, init: RequestInit = {}) =>
      fetch(`${services.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json', ...init.headers },
      });

    Object.assign(rig, {
      database,
      services,
      sqs,
      queues,
      bucket,
      publisherEnv,
      dispatcherEnv,
      publisher: (overrides = {}) =>
        publisher.createContext(publisherConfig, publisher.loadSecrets(publisherEnv), { db: database.db, logger: silent, ...overrides }),
      dispatcher: (overrides = {}) =>
        dispatcher.createContext(dispatcherConfig, dispatcher.loadSecrets(dispatcherEnv), {
          db: database.db,
          sqs,
          logger: silent,
          ...overrides,
        }),
      refresher: (overrides = {}) =>
        tokenRefresher.createContext(refresherConfig, tokenRefresher.loadSecrets(publisherEnv), {
          db: database.db,
          logger: silent,
          ...overrides,
        }),
      user: async () => {
        const account = await createPdsAccount(testEnvironment().pdsUrl);
        const { browser, finished } = await login(services, account);
        expect(finished.status).toBe(303);
        const { accessToken: token } = await accessToken(services, browser);
        return { did: account.did, handle: account.handle, password: account.password, token };
      },
      schedule: async (user, body) => {
        const response = await api(user, '/posts', { method: 'POST', body: JSON.stringify(body) });
        const json = await response.json();
        expect(response.status, JSON.stringify(json)).toBe(201);
        return postResponseSchema.parse(json);
      },
      post: async (user, id) => {
        const response = await api(user, `/posts/${id}`);
        expect(response.status).toBe(200);
        return postSchema.parse(await response.json());
      },
      deliver: async (ctx, deliverOptions = {}) => {
        const records = await receiveBatch({
          sqs,
          queueUrl: queues.queueUrl,
          queueArn: queues.queueArn,
          batchSize: 10,
          waitSeconds: deliverOptions.waitSeconds ?? 5,
        });
        if (records.length === 0) return { count: 0, succeeded: [] };
        const timeoutMs = deliverOptions.timeoutMs ?? PUBLISHER_TIMEOUT_MS;
        const delivered = await deliverBatch(
          { sqs, queueUrl: queues.queueUrl, functionName: 'publisher', handler: publisher.makeHandler(ctx), timeoutMs, logger: silent },
          records,
        );
        return { count: records.length, ...delivered };
      },
      depth: async (queueUrl = queues.queueUrl) => {
        const { Attributes: attributes = {} } = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: queueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
          }),
        );
        return {
          visible: Number(attributes.ApproximateNumberOfMessages ?? 0),
          inFlight: Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
          delayed: Number(attributes.ApproximateNumberOfMessagesDelayed ?? 0),
        };
      },
      purge: async (queueUrl = queues.queueUrl) => {
        await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
      },
    } satisfies PublishingRig);
  });
  afterAll(async () => {
    await rig.services?.close();
    await rig.database?.drop();
  });
  return rig;
}

/**
 * A fetch that misbehaves on purpose for requests whose path matches a rule: answers with a status
 * (and headers) without reaching the server, fails as a dropped connection would, never answers,
 * or lets the request through and then loses the answer. The PDS itself cannot be told to fail on demand, so
 * tests of its failures put this between the publisher and it; everything else is real.
 */
export function faultyFetch(options: { base?: typeof globalThis.fetch; now?: () => Date } = {}) {
  const base = options.base ?? globalThis.fetch;
  const now = options.now ?? (() => new Date());
  type Fault =
    | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
    | { kind: 'network' }
    /** The request reaches the server; its answer is replaced by a 502 (a proxy that timed out). */
    | { kind: 'lose-answer' }
    /** No answer, ever: a server that accepted the connection and went quiet (nothing reaches the PDS). */
    | { kind: 'hang' };
  type Match = string | ((url: URL) => boolean);
  const matches = (match: Match, url: URL) => (typeof match === 'string' ? url.pathname.endsWith(match) : match(url));
  const rules: Array<{ match: Match; fault: Fault; times: number }> = [];
  const seen: Array<{ path: string; faulted: boolean; at: Date; status?: number }> = [];
  const wrapped = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const rule = rules.find((candidate) => candidate.times > 0 && matches(candidate.match, url));
    const call: (typeof seen)[number] = { path: url.pathname, faulted: Boolean(rule), at: now() };
    seen.push(call);
    if (!rule) {
      const response = await base(input, init);
      call.status = response.status;
      return response;
    }
    const { fault } = rule;
    if (fault.kind === 'lose-answer') {
      const response = await base(input, init);
      // A DPoP nonce challenge is not the write: let the client answer it, lose the next answer.
      if (response.status === 401) {
        call.status = 401;
        return response;
      }
      rule.times -= 1;
      return new Response(JSON.stringify({ error: 'UpstreamTimeout', message: 'upstream timed out' }), {
        status: 502,
        headers: { 'content-type': 'application/json' },
      });
    }
    rule.times -= 1;
    if (fault.kind === 'hang') return new Promise<Response>(() => undefined);
    if (fault.kind === 'network')
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    return new Response(JSON.stringify(fault.body ?? { error: 'Injected', message: `injected ${fault.status}` }), {
      status: fault.status,
      headers: { 'content-type': 'application/json', ...fault.headers },
    });
  }) as typeof globalThis.fetch;
  return {
    fetch: wrapped,
    /** Applies `fault` to the next `times` requests whose path ends with `match` (or that `match` accepts). */
    fail(match: Match, fault: Fault, times = 1) {
      rules.push({ match, fault, times });
    },
    clear() {
      rules.length = 0;
    },
    /**
     * Requests made to paths ending with `path`, faulted or not, with when (by `now`) they were
     * made. DPoP nonce challenges (a 401 the OAuth client answers by sending the request again)
     * are left out: they are one request as far as the PDS's work is concerned.
     */
    calls: (path: string) => seen.filter((entry) => entry.path.endsWith(path) && entry.status !== 401),
  };
}
