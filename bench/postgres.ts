import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase } from '@chronopost/db';
import { ensureDatabase, startEmbeddedPostgres } from '@chronopost/local';

export interface BenchPostgres {
  /** Its folder (the cluster's data is under it; its processes name it on their command line). */
  dir: string;
  /** A migrated database, `public` schema. */
  url: string;
  stop(): Promise<void>;
}

/** A throwaway embedded PostgreSQL with a migrated database, for one bench run. */
export async function startBenchPostgres(name: string): Promise<BenchPostgres> {
  const dir = await mkdtemp(join(tmpdir(), `chronopost-bench-${name}-`));
  await chmod(dir, 0o755);
  const server = await startEmbeddedPostgres({
    dir: join(dir, 'pg'),
    port: 0,
    persistent: false,
    systemDir: dir,
    systemDirSetting: 'TMPDIR',
  });
  const url = await ensureDatabase(server, 'bench');
  await migrateDatabase({ url, schema: 'public' });
  return {
    dir,
    url,
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
