import { STATE_KEY_ALIAS } from '../backend';
import type { SynthConfig } from '../config';
import { type Statement, STAR_RESOURCE_REASONS } from '../iam';
import { PREVIEW_PREFIX, PROD_PREFIX } from '../naming';
import { DATABASE_URL_SECRET } from './environment';

/**
 * What the deploy roles may do. `apply` (main) manages production and the shared pieces;
 * `preview` (pull requests, and the nightly sweep on main) manages only `chronopost-pr-*`
 * resources, reads the shared database secret and token key alias, and owns `preview/*` state.
 * Actions are listed per service, with read families (`Get*`, `List*`, `Describe*`) that
 * terraform's refresh needs; no statement allows `*` or `service:*`.
 */
export function deployStatements(
  kind: 'apply' | 'preview',
  ids: { account: string; config: SynthConfig; stateKeyArn: string },
): Statement[] {
  const { account, config } = ids;
  const region = config.region;
  // prod's names start `chronopost-`, so this pattern also covers previews for the apply role.
  const names = kind === 'apply' ? `${PROD_PREFIX}*` : `${PREVIEW_PREFIX}*`;
  const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${account}:${resource}`;
  const stateObjects = kind === 'apply' ? `arn:aws:s3:::${config.stateBucket}/*` : `arn:aws:s3:::${config.stateBucket}/preview/*`;

  const statements: Statement[] = [
    {
      Sid: 'StateObjects',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      Resource: [stateObjects],
    },
    {
      Sid: 'StateBucketList',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [`arn:aws:s3:::${config.stateBucket}`],
      ...(kind === 'preview' ? { Condition: { StringLike: { 's3:prefix': ['preview/*'] } } } : {}),
    },
    {
      Sid: 'StateLock',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
      Resource: [arn('dynamodb', `table/${config.lockTable}`)],
    },
    {
      Sid: 'StateEncryption',
      Effect: 'Allow',
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: [ids.stateKeyArn],
    },
    {
      Sid: 'Functions',
      Effect: 'Allow',
      Action: [
        'lambda:CreateFunction',
        'lambda:DeleteFunction',
        'lambda:UpdateFunctionCode',
        'lambda:UpdateFunctionConfiguration',
        'lambda:PublishVersion',
        'lambda:CreateAlias',
        'lambda:UpdateAlias',
        'lambda:DeleteAlias',
        'lambda:AddPermission',
        'lambda:RemovePermission',
        'lambda:TagResource',
        'lambda:UntagResource',
        'lambda:PutFunctionEventInvokeConfig',
        'lambda:Get*',
        'lambda:List*',
      ],
      Resource: [arn('lambda', `function:${names}`)],
    },
    {
      Sid: `${STAR_RESOURCE_REASONS.EventSourceMappings}`,
      Effect: 'Allow',
      Action: [
        'lambda:CreateEventSourceMapping',
        'lambda:UpdateEventSourceMapping',
        'lambda:DeleteEventSourceMapping',
        'lambda:GetEventSourceMapping',
      ],
      Resource: '*',
      Condition: { ArnLike: { 'lambda:FunctionArn': [arn('lambda', `function:${names}`)] } },
    },
    {
      Sid: 'FunctionRoles',
      Effect: 'Allow',
      Action: [
        'iam:CreateRole',
        'iam:DeleteRole',
        'iam:UpdateAssumeRolePolicy',
        'iam:PutRolePolicy',
        'iam:DeleteRolePolicy',
        'iam:TagRole',
        'iam:UntagRole',
        'iam:PassRole',
        'iam:Get*',
        'iam:List*',
      ],
      Resource: [`arn:aws:iam::${account}:role/${names}`],
    },
    {
      Sid: 'Logs',
      Effect: 'Allow',
      Action: [
        'logs:CreateLogGroup',
        'logs:DeleteLogGroup',
        'logs:PutRetentionPolicy',
        'logs:TagResource',
        'logs:UntagResource',
        'logs:ListTagsForResource',
      ],
      Resource: [arn('logs', `log-group:/aws/lambda/${names}`), arn('logs', `log-group:/aws/lambda/${names}:*`)],
    },
    {
      Sid: STAR_RESOURCE_REASONS.LogsDescribe,
      Effect: 'Allow',
      Action: ['logs:DescribeLogGroups'],
      Resource: '*',
    },
    {
      Sid: 'Queues',
      Effect: 'Allow',
      Action: [
        'sqs:CreateQueue',
        'sqs:DeleteQueue',
        'sqs:SetQueueAttributes',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:TagQueue',
        'sqs:UntagQueue',
        'sqs:ListQueueTags',
      ],
      Resource: [arn('sqs', names)],
    },
    {
      Sid: 'Tables',
      Effect: 'Allow',
      Action: [
        'dynamodb:CreateTable',
        'dynamodb:DeleteTable',
        'dynamodb:UpdateTable',
        'dynamodb:UpdateTimeToLive',
        'dynamodb:UpdateContinuousBackups',
        'dynamodb:TagResource',
        'dynamodb:UntagResource',
        'dynamodb:Describe*',
        'dynamodb:ListTagsOfResource',
      ],
      Resource: [arn('dynamodb', `table/${names}`)],
    },
    {
      Sid: 'MediaBucket',
      Effect: 'Allow',
      Action: [
        's3:CreateBucket',
        's3:DeleteBucket',
        's3:PutBucket*',
        's3:GetBucket*',
        's3:DeleteBucketPolicy',
        's3:PutEncryptionConfiguration',
        's3:GetEncryptionConfiguration',
        's3:PutLifecycleConfiguration',
        's3:GetLifecycleConfiguration',
        's3:GetAccelerateConfiguration',
        's3:GetReplicationConfiguration',
        's3:GetAnalyticsConfiguration',
        's3:GetIntelligentTieringConfiguration',
        's3:GetInventoryConfiguration',
        's3:GetMetricsConfiguration',
        's3:ListBucket',
        // Previews are destroyed with their uploads in them (force_destroy).
        's3:DeleteObject',
        's3:ListBucketVersions',
        's3:DeleteObjectVersion',
      ],
      Resource: [`arn:aws:s3:::${names}`, `arn:aws:s3:::${names}/*`],
    },
    {
      Sid: 'Schedules',
      Effect: 'Allow',
      Action: [
        'scheduler:CreateSchedule',
        'scheduler:UpdateSchedule',
        'scheduler:DeleteSchedule',
        'scheduler:GetSchedule',
        'scheduler:CreateScheduleGroup',
        'scheduler:DeleteScheduleGroup',
        'scheduler:GetScheduleGroup',
        'scheduler:TagResource',
        'scheduler:UntagResource',
        'scheduler:ListTagsForResource',
      ],
      Resource: [arn('scheduler', `schedule-group/${names}`), arn('scheduler', `schedule/${names}/*`)],
    },
    {
      Sid: 'HttpApi',
      Effect: 'Allow',
      // API Gateway authorizes by HTTP verb on resource paths; API ids are random, so the paths
      // are per region. The preview role is further limited to resources tagged as a preview.
      Action: ['apigateway:GET', 'apigateway:POST', 'apigateway:PUT', 'apigateway:PATCH', 'apigateway:DELETE', 'apigateway:TagResource'],
      Resource: [
        `arn:aws:apigateway:${region}::/apis`,
        `arn:aws:apigateway:${region}::/apis/*`,
        `arn:aws:apigateway:${region}::/domainnames`,
        `arn:aws:apigateway:${region}::/domainnames/*`,
        `arn:aws:apigateway:${region}::/tags/*`,
      ],
      ...(kind === 'preview'
        ? { Condition: { StringLikeIfExists: { 'aws:ResourceTag/environment': ['pr-*'], 'aws:RequestTag/environment': ['pr-*'] } } }
        : {}),
    },
    {
      Sid: 'Certificates',
      Effect: 'Allow',
      Action: ['acm:DescribeCertificate', 'acm:DeleteCertificate', 'acm:ListTagsForCertificate', 'acm:AddTagsToCertificate'],
      Resource: [arn('acm', 'certificate/*')],
      Condition: { StringLike: { 'aws:ResourceTag/environment': [kind === 'apply' ? '*' : 'pr-*'] } },
    },
    {
      Sid: STAR_RESOURCE_REASONS.AcmRequest,
      Effect: 'Allow',
      Action: ['acm:RequestCertificate', 'acm:ListCertificates'],
      Resource: '*',
      Condition: { StringLike: { 'aws:RequestTag/project': ['chronopost'] } },
    },
    {
      Sid: 'Secrets',
      Effect: 'Allow',
      Action: [
        'secretsmanager:CreateSecret',
        'secretsmanager:DeleteSecret',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetResourcePolicy',
        'secretsmanager:TagResource',
        'secretsmanager:UntagResource',
        'secretsmanager:UpdateSecret',
        // The preview workflow seeds its environment's keys; the apply role only ever describes values.
        ...(kind === 'preview' ? ['secretsmanager:PutSecretValue', 'secretsmanager:GetSecretValue'] : []),
      ],
      Resource: [arn('secretsmanager', `secret:${names}/*`)],
    },
    {
      Sid: 'DatabaseUrl',
      Effect: 'Allow',
      // Migrations (and, for previews, DROP SCHEMA) run from the workflow with this URL.
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: [arn('secretsmanager', `secret:${DATABASE_URL_SECRET}-*`)],
    },
  ];

  if (kind === 'apply') {
    statements.push(
      {
        Sid: 'Alarms',
        Effect: 'Allow',
        Action: [
          'sns:CreateTopic',
          'sns:DeleteTopic',
          'sns:SetTopicAttributes',
          'sns:GetTopicAttributes',
          'sns:Subscribe',
          'sns:Unsubscribe',
          'sns:GetSubscriptionAttributes',
          'sns:TagResource',
          'sns:ListTagsForResource',
          'cloudwatch:PutMetricAlarm',
          'cloudwatch:DeleteAlarms',
          'cloudwatch:DescribeAlarms',
          'cloudwatch:TagResource',
          'cloudwatch:ListTagsForResource',
        ],
        Resource: [arn('sns', names), arn('cloudwatch', `alarm:${names}`)],
      },
      {
        Sid: 'TokenKey',
        Effect: 'Allow',
        Action: [
          'kms:DescribeKey',
          'kms:GetKeyPolicy',
          'kms:PutKeyPolicy',
          'kms:GetKeyRotationStatus',
          'kms:EnableKeyRotation',
          'kms:ListResourceTags',
          'kms:TagResource',
          'kms:ScheduleKeyDeletion',
          'kms:CreateAlias',
          'kms:DeleteAlias',
          'kms:UpdateAlias',
        ],
        Resource: [arn('kms', 'key/*'), arn('kms', 'alias/chronopost-*')],
        Condition: { StringLikeIfExists: { 'aws:ResourceTag/project': ['chronopost'] } },
      },
      {
        Sid: STAR_RESOURCE_REASONS.KmsCreateKey,
        Effect: 'Allow',
        Action: ['kms:CreateKey', 'kms:ListAliases'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestTag/project': 'chronopost' } },
      },
    );
  } else {
    statements.push({
      Sid: 'TokenKeyLookup',
      Effect: 'Allow',
      Action: ['kms:DescribeKey'],
      Resource: [arn('kms', 'key/*'), arn('kms', 'alias/chronopost-tokens')],
    });
  }
  return statements;
}

export { STATE_KEY_ALIAS };
