import { AtpAgent } from '@atproto/api';
import { createPdsAccount, testEnvironment } from '@chronopost/testing';
import { describe, expect, it } from 'vitest';
import { recordWrittenAt } from '../src';

/**
 * Against the local PDS: the time a record was written is its commit's, however much later it is
 * asked (a publisher that died after writing is found out minutes later by the next attempt).
 */
describe('recordWrittenAt', () => {
  it('finds the commit time of the latest record, and of an older one under newer commits', async () => {
    const { pdsUrl } = testEnvironment();
    const account = await createPdsAccount(pdsUrl);
    // A password session only to write records as any client would; the product uses OAuth.
    const agent = new AtpAgent({ service: pdsUrl });
    await agent.login({ identifier: account.handle, password: account.password });
    const target = { did: account.did, pdsUrl };

    const start = Date.now();
    const before = Date.now();
    const first = await agent.post({ text: 'written first', createdAt: new Date().toISOString() });
    const after = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    for (const text of ['a later post', 'and another']) await agent.post({ text, createdAt: new Date().toISOString() });
    const lastBefore = Date.now();
    const last = await agent.post({ text: 'written last', createdAt: new Date().toISOString() });
    const lastAfter = Date.now();

    const older = await recordWrittenAt(fetch, target, first.cid, new Date(start - 60_000));
    expect(older!.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(older!.getTime()).toBeLessThanOrEqual(after + 1);
    const latest = await recordWrittenAt(fetch, target, last.cid, new Date(start - 60_000));
    expect(latest!.getTime()).toBeGreaterThanOrEqual(lastBefore - 1);
    expect(latest!.getTime()).toBeLessThanOrEqual(lastAfter + 1);
    // A record the repository never held has no write time.
    expect(
      await recordWrittenAt(fetch, target, 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm', new Date(start)),
    ).toBeUndefined();
  });
});
