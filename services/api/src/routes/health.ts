import { checkDatabase } from '@chronopost/db';
import { json, type Route } from '@chronopost/lambda-kit';
import type { HealthResponse } from '@chronopost/shared-schemas';
import type { ApiContext } from '../context';

/** `GET /health`: 200 when the database answers, 503 otherwise, with the migration it is at. */
export const healthRoute = (ctx: ApiContext): Route => ({
  method: 'GET',
  path: '/health',
  handler: async () => {
    const database = await checkDatabase(ctx.db, ctx.config.database.schema);
    const body: HealthResponse = { status: database.reachable ? 'ok' : 'degraded', database };
    return json(database.reachable ? 200 : 503, body);
  },
});
