import { inject } from 'vitest';

/** What the global setup started once for the whole run; every test file isolates itself inside it. */
export interface TestEnvironment {
  /** Superuser URL of the shared PostgreSQL server's maintenance database. */
  postgresAdminUrl: string;
  /** A migrated database that per-file databases are cloned from. */
  templateDatabase: string;
  sqsEndpoint: string;
  s3Endpoint: string;
  dynamodbEndpoint: string;
  pdsUrl: string;
  plcUrl: string;
  /** The web app, built once for the run (a directory to serve). */
  webBuild: string;
  /** The run's one headless Chromium (`chromium.connect`), absent when none is installed. */
  chromiumEndpoint?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    chronopost: TestEnvironment;
  }
}

export const testEnvironment = (): TestEnvironment => inject('chronopost');
