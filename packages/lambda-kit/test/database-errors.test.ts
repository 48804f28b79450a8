import { insertPost, upsertAccount } from '@chronopost/db';
import { createTestDatabase, outputOf, type TestDatabase } from '@chronopost/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger';

/** A real failing query against PostgreSQL, logged the way a handler logs an unexpected error. */
describe('database errors in the log', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('name the failing statement and its code, never the text or DIDs it carried', async () => {
    const did = 'did:plc:secretive-author';
    await upsertAccount(database.db, { did, handle: 'secretive.test', pdsUrl: 'http://pds.test' });
    const text = 'my private draft about the surprise party';
    const error = await insertPost(database.db, {
      ownerDid: did,
      status: 'draft',
      scheduledAt: null,
      timeZone: null,
      clockId: 1,
      latePolicy: 'skip',
      lateGraceSeconds: 900,
      options: {},
      // jsonb refuses NUL: the kind of failure that used to put the params into ERROR lines.
      items: [{ text, facets: null, embed: { title: 'nul \u0000 here' }, langs: [], labels: [], rkey: null }],
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);

    const output = outputOf(() => createLogger('test').error('request failed', { error }));
    expect(output).not.toContain(text);
    expect(output).not.toContain(did);
    expect(output).not.toContain('nul');
    expect(output).toContain('insert post_items');
    expect(output).toMatch(/"code":"22P02"|"code":"22P05"/);
  });
});
