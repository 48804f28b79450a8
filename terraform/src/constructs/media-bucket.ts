import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { UPLOAD_PREFIX } from '@chronopost/core';
import { S3BucketCorsConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-cors-configuration';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { Construct } from 'constructs';
import { policyDocument } from '../iam';
import { LIVE_ALIAS, type ServiceFunction } from './service-function';

/** Days after which an unfinished multipart upload is aborted. */
export const ABANDONED_UPLOAD_DAYS = 1;

/**
 * The media bucket: private (every public access path blocked, TLS only), encrypted at rest,
 * CORS for the web app's presigned uploads, ObjectCreated → the media function's `live` alias.
 */
export class MediaBucket extends Construct {
  readonly bucket: S3Bucket;

  constructor(
    scope: Construct,
    id: string,
    props: { name: string; webOrigin: string; accountId: string; media: ServiceFunction<'media'>; forceDestroy: boolean },
  ) {
    super(scope, id);
    this.bucket = new S3Bucket(this, 'bucket', { bucket: props.name, forceDestroy: props.forceDestroy });
    const publicAccess = new S3BucketPublicAccessBlock(this, 'public-access', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership', { bucket: this.bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      // SSE-S3: a browser's presigned PUT needs no KMS permission or header.
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }],
    });
    new S3BucketPolicy(this, 'policy', {
      bucket: this.bucket.id,
      policy: policyDocument([
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          // A Deny for every caller: `*` as the principal is how a bucket policy says "anyone".
          Principal: '*',
          Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket'],
          Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': false } },
        },
      ]),
      dependsOn: [publicAccess],
    });
    new S3BucketCorsConfiguration(this, 'cors', {
      bucket: this.bucket.id,
      corsRule: [
        {
          allowedOrigins: [props.webOrigin],
          allowedMethods: ['PUT', 'POST', 'GET'],
          allowedHeaders: ['content-type', 'content-length', 'content-md5', 'x-amz-*'],
          exposeHeaders: ['etag'],
          maxAgeSeconds: 600,
        },
      ],
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [
        {
          id: 'abandoned-uploads',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABANDONED_UPLOAD_DAYS }],
        },
      ],
    });
    const permission = new LambdaPermission(this, 'notify-media', {
      statementId: 'S3ObjectCreated',
      action: 'lambda:InvokeFunction',
      functionName: props.media.fn.functionName,
      qualifier: LIVE_ALIAS,
      principal: 's3.amazonaws.com',
      sourceArn: this.bucket.arn,
      sourceAccount: props.accountId,
    });
    new S3BucketNotification(this, 'notification', {
      bucket: this.bucket.id,
      // Uploads only: the media function's own processed images must not trigger it again.
      lambdaFunction: [{ lambdaFunctionArn: props.media.alias.arn, events: ['s3:ObjectCreated:*'], filterPrefix: UPLOAD_PREFIX }],
      dependsOn: [permission],
    });
  }
}
