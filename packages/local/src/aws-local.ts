/**
 * Credentials for the stand-ins. SQS and DynamoDB accept any; s3rver knows only its own pair, so
 * that is the one every local client (and the SDK's default chain, via AWS_ACCESS_KEY_ID) uses.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '000000000000';

export const localClientOptions = (endpoint: string) => ({
  region: LOCAL_REGION,
  endpoint,
  credentials: LOCAL_CREDENTIALS,
});
