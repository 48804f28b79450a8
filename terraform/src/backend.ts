import { S3Backend, type TerraformStack } from 'cdktf';
import type { SynthConfig } from './config';

/** The state lives in the bootstrap stack's bucket, one object per stack, locked in DynamoDB. */
export function useStateBackend(stack: TerraformStack, config: SynthConfig, key: string): void {
  new S3Backend(stack, {
    bucket: config.stateBucket,
    key,
    region: config.region,
    encrypt: true,
    kmsKeyId: STATE_KEY_ALIAS,
    dynamodbTable: config.lockTable,
  });
}

export const STATE_KEY_ALIAS = 'alias/chronopost-terraform-state';
