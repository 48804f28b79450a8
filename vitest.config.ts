import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // One PostgreSQL server, one of each AWS stand-in and one PDS for the whole run.
    globalSetup: ['packages/testing/src/global-setup.ts'],
    include: [
      'services/*/{src,test}/**/*.test.ts',
      'packages/*/{src,test}/**/*.test.ts',
      'shared-schemas/src/**/*.test.ts',
      'scripts/**/*.test.ts',
      'terraform/{src,test}/**/*.test.ts',
    ],
    pool: 'forks',
    // Files run side by side: most of the suite waits (for a due second, the PDS, the browser,
    // a queue's visibility timeout) rather than computes. vitest's default is one worker fewer than
    // the cores, i.e. one on the 2-core CI machines, where everything ran one file after another.
    // Every file isolates itself inside the shared servers (its own database, queues, buckets,
    // tables, PDS accounts, browser context, temp dirs, free ports); see docs/architecture.md.
    maxWorkers: 2,
    // A worker process runs file after file and keeps what it imported: the services, the AWS SDK
    // and @atproto/* are loaded once per worker, not once per file (~3 s each on these machines).
    // So a file must leave nothing behind: close its servers, stop its pollers, restore what it
    // patches (vitest restores spies and mocks between files).
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The SDK's default credential chain reads these: the stand-ins' credentials (see aws-local.ts).
    env: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' },
  },
});
