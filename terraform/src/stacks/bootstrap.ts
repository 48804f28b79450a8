import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { STATE_KEY_ALIAS, useStateBackend } from '../backend';
import type { SynthConfig } from '../config';
import { policyDocument } from '../iam';
import { deployStatements } from './deploy-policy';

export const GITHUB_OIDC_URL = 'https://token.actions.githubusercontent.com';
export const DEPLOY_ROLE = 'chronopost-deploy';
export const PREVIEW_ROLE = 'chronopost-preview';

/**
 * Applied once by hand (docs/deploy.md): the state bucket (versioned, KMS-encrypted, private,
 * TLS only), the lock table, GitHub's OIDC provider and the two roles the workflows assume.
 */
export class BootstrapStack extends TerraformStack {
  constructor(scope: Construct, config: SynthConfig) {
    super(scope, 'bootstrap');
    // The very first apply cannot keep its state in a bucket it is creating.
    if (config.bootstrapBackend === 'local') new LocalBackend(this, { path: 'bootstrap.tfstate' });
    else useStateBackend(this, config, 'bootstrap.tfstate');
    new AwsProvider(this, 'aws', { region: config.region, defaultTags: [{ tags: { project: 'chronopost', environment: 'shared' } }] });
    const account = new DataAwsCallerIdentity(this, 'account', {}).accountId;

    const stateKey = new KmsKey(this, 'state-key', {
      description: 'Chronopost: encrypts the Terraform state',
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    });
    new KmsAlias(this, 'state-key-alias', { name: STATE_KEY_ALIAS, targetKeyId: stateKey.keyId });

    const bucket = new S3Bucket(this, 'state', { bucket: config.stateBucket, lifecycle: { preventDestroy: true } });
    new S3BucketVersioningA(this, 'state-versioning', { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'state-encryption', {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: stateKey.arn }, bucketKeyEnabled: true }],
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, 'state-public-access', {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketPolicy(this, 'state-policy', {
      bucket: bucket.id,
      policy: policyDocument([
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket'],
          Resource: [bucket.arn, `${bucket.arn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': false } },
        },
      ]),
      dependsOn: [publicAccess],
    });

    new DynamodbTable(this, 'locks', {
      name: config.lockTable,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: 'LockID',
      attribute: [{ name: 'LockID', type: 'S' }],
      serverSideEncryption: { enabled: true },
    });

    const github = new IamOpenidConnectProvider(this, 'github', { url: GITHUB_OIDC_URL, clientIdList: ['sts.amazonaws.com'] });
    const trust = (subjects: string[]) =>
      policyDocument([
        {
          Effect: 'Allow',
          Principal: { Federated: github.arn },
          Action: ['sts:AssumeRoleWithWebIdentity'],
          Condition: {
            StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
            // Exact subjects: this repository's main branch, or its pull requests; never a fork's.
            'ForAnyValue:StringEquals': { 'token.actions.githubusercontent.com:sub': subjects },
          },
        },
      ]);
    const repo = `repo:${config.repository}`;
    const roles = {
      apply: new IamRole(this, 'deploy-role', {
        name: DEPLOY_ROLE,
        assumeRolePolicy: trust([`${repo}:ref:refs/heads/main`]),
        maxSessionDuration: 3600,
      }),
      // Pull requests deploy previews; main's nightly sweep destroys the closed ones.
      preview: new IamRole(this, 'preview-role', {
        name: PREVIEW_ROLE,
        assumeRolePolicy: trust([`${repo}:pull_request`, `${repo}:ref:refs/heads/main`]),
        maxSessionDuration: 3600,
      }),
    };
    for (const kind of ['apply', 'preview'] as const) {
      new IamRolePolicy(this, `${kind}-policy`, {
        name: roles[kind].name,
        role: roles[kind].name,
        policy: policyDocument(deployStatements(kind, { account, config, stateKeyArn: stateKey.arn })),
      });
    }

    new TerraformOutput(this, 'deploy_role_arn', { value: roles.apply.arn });
    new TerraformOutput(this, 'preview_role_arn', { value: roles.preview.arn });
  }
}
