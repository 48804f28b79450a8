import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import type { Logger } from '@chronopost/lambda-kit';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './aws-local';
import { invoke, type LambdaFunction } from './lambda-context';

/** The next instant after `now` that is a whole multiple of `intervalMs` since the epoch. */
export const nextAlignedTime = (now: number, intervalMs: number): number => (Math.floor(now / intervalMs) + 1) * intervalMs;

/**
 * When a schedule that last fired for `fired` fires next: the aligned instant after both `now`
 * and `fired`. A timer may end a fraction of a millisecond before the wall clock reads its time;
 * counted from `now` alone, the next firing would then be the same instant again (two runs for
 * one second).
 */
export const nextFiringAfter = (fired: number, now: number, intervalMs: number): number =>
  nextAlignedTime(Math.max(now, fired), intervalMs);

/** The event EventBridge sends for a scheduled rule. */
export function scheduledEvent(ruleName: string, at: Date): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT_ID,
    // EventBridge stamps the scheduled minute, not the moment of delivery.
    time: new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    region: LOCAL_REGION,
    resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:rule/${ruleName}`],
    detail: {},
  };
}

export interface Schedule {
  stop(): Promise<void>;
}

/**
 * Invokes `handler` at every multiple of `intervalMs` on the wall clock (…:00, …:01 for a minute),
 * as an EventBridge `rate()` rule does. Each firing is computed from the clock, so timers never drift.
 * Like EventBridge, a slow run does not delay the next one.
 */
export function startSchedule(options: {
  name: string;
  intervalMs: number;
  timeoutMs: number;
  handler: LambdaFunction<ScheduledEvent, unknown>;
  logger: Logger;
}): Schedule {
  const { name, intervalMs, handler, logger } = options;
  const running = new Set<Promise<unknown>>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const arm = (fired: number) => {
    if (stopped) return;
    const at = nextFiringAfter(fired, Date.now(), intervalMs);
    timer = setTimeout(() => fire(at), at - Date.now());
  };
  const fire = (at: number) => {
    arm(at);
    const run = invoke(name, handler, scheduledEvent(name, new Date(at)), options.timeoutMs).catch((error: unknown) => {
      logger.error('scheduled invocation failed', { function: name, error });
    });
    running.add(run);
    void run.finally(() => running.delete(run));
  };

  arm(Date.now());
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await Promise.allSettled([...running]);
    },
  };
}
