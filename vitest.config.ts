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
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The SDK's default credential chain reads these: the stand-ins' credentials (see aws-local.ts).
    env: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' },
  },
});
