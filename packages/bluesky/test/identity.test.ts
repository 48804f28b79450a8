import { testEnvironment } from '@chronopost/testing';
import { describe, expect, it } from 'vitest';
import { createAtprotoFetch, createIdentityResolver, MAX_MENTIONS_RESOLVED, MENTION_CONCURRENCY, resolveMentions } from '../src';

describe('createIdentityResolver', () => {
  it('cannot be built without a fetch: it never falls back to an unchecked one', () => {
    // @ts-expect-error -- the SSRF-safe fetch is required by the type as well
    expect(() => createIdentityResolver({ allowHttp: false })).toThrow(/SSRF-safe fetch/);
  });
});

/** Against the local PDS and PLC: the real resolver, watched for how many lookups it is asked at once. */
describe('resolveMentions', () => {
  it('resolves each handle once, a few at a time, and at most 50 per request', async () => {
    const { pdsUrl, plcUrl } = testEnvironment();
    // The safe fetch, with the local PDS and PLC (on loopback) allowed as `pnpm dev` allows them.
    const fetch = createAtprotoFetch({ privateOrigins: [new URL(pdsUrl).origin, new URL(plcUrl).origin] });
    const real = createIdentityResolver({ handleResolver: pdsUrl, plcUrl, allowHttp: true, fetch });
    let inFlight = 0;
    let peak = 0;
    const asked: string[] = [];
    const watched: typeof real = {
      resolve: async (...args: Parameters<typeof real.resolve>) => {
        asked.push(String(args[0]));
        peak = Math.max(peak, ++inFlight);
        try {
          return await real.resolve(...args);
        } finally {
          inFlight -= 1;
        }
      },
    };
    // 60 distinct handles, each mentioned twice and in two spellings.
    const handles = Array.from({ length: 60 }, (_, index) => `nobody-${index}.test`);
    const resolved = await resolveMentions(watched, [...handles, ...handles.map((handle) => handle.toUpperCase())]);
    expect(new Set(asked).size).toBe(asked.length);
    expect(asked).toHaveLength(MAX_MENTIONS_RESOLVED);
    expect(peak).toBeLessThanOrEqual(MENTION_CONCURRENCY);
    expect(resolved.size).toBe(0);
    expect(resolved.skipped).toHaveLength(60 - MAX_MENTIONS_RESOLVED);
  });
});
