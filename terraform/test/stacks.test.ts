import { EARLY_DELIVERY_MS, LEASE_MARGIN_MS } from '@chronopost/core';
import {
  FUNCTION_TIMEOUT_SECONDS,
  HTTP_ROUTES,
  parseConfig,
  SECRET_ARNS_VARIABLE,
  SECRET_VARIABLES,
  secretArnsSchema,
  SERVICE_ENV_SCHEMAS,
  SERVICE_NAMES,
  serviceEnvNames,
  type ServiceName,
} from '@chronopost/shared-schemas';
import { describe, expect, it } from 'vitest';
import {
  BURST_POSTS_PER_MINUTE,
  BURST_PUBLISH_CONCURRENCY,
  MAPPING_MAX_CONCURRENCY,
  PREVIEW_PUBLISH_MAX_CONCURRENCY,
  PUBLICATION_HOLD_MS,
  PUBLISH_BATCH_SIZE,
  PUBLISH_MAX_CONCURRENCY,
} from '../src/constructs/publish-queue';
import { STAR_RESOURCE_REASONS } from '../src/iam';
import { asArray, list, type PolicyStatement, policyDocuments, ref, resources, synthAll, type Synthesized } from './synth';

const stacks = synthAll();
const { prod, preview12, preview15, bootstrap } = stacks;
const environments = { prod, preview12 };

/** Logical id of each service's function and alias in a stack. */
function functionsOf(stack: Synthesized) {
  const byService = {} as Record<ServiceName, { fnId: string; aliasId: string; fn: Record<string, unknown> }>;
  for (const [fnId, fn] of Object.entries(resources(stack, 'aws_lambda_function'))) {
    const service = SERVICE_NAMES.find(
      (name) => (fn.function_name as string).endsWith(`-${name}`) && !(fn.function_name as string).endsWith(`-token-${name}`),
    );
    if (!service) throw new Error(`unknown function ${String(fn.function_name)}`);
    const aliasId = Object.entries(resources(stack, 'aws_lambda_alias')).find(
      ([, alias]) => alias.function_name === ref('aws_lambda_function', fnId, 'function_name'),
    )?.[0];
    if (!aliasId) throw new Error(`no alias for ${service}`);
    byService[service] = { fnId, aliasId, fn };
  }
  return byService;
}
const aliasArn = (stack: Synthesized, service: ServiceName) => ref('aws_lambda_alias', functionsOf(stack)[service].aliasId, 'arn');

describe.each(Object.entries(environments))('the %s stack', (_, stack) => {
  const functions = functionsOf(stack);

  it('has the six functions on nodejs24.x, each publishing versions behind an alias `live`', () => {
    expect(Object.keys(functions).sort()).toEqual([...SERVICE_NAMES].sort());
    for (const [service, { fn, aliasId }] of Object.entries(functions) as [ServiceName, (typeof functions)[ServiceName]][]) {
      expect(fn).toMatchObject({ runtime: 'nodejs24.x', publish: true, handler: 'index.handler', architectures: ['arm64'] });
      expect(fn.timeout).toBe(FUNCTION_TIMEOUT_SECONDS[service]);
      expect(resources(stack, 'aws_lambda_alias')[aliasId]).toMatchObject({ name: 'live' });
      // Its own log group, with a retention.
      const logGroup = list(stack, 'aws_cloudwatch_log_group').find((group) => group.name === `/aws/lambda/${String(fn.function_name)}`);
      expect(logGroup?.retention_in_days).toBeGreaterThan(0);
    }
  });

  it('gives the services that emit metrics their environment’s namespace, the one the alarms read', () => {
    const namespaces = Object.fromEntries(
      Object.entries(functions).map(([service, { fn }]) => [
        service,
        (fn.environment as { variables: Record<string, string> }).variables.METRICS_NAMESPACE,
      ]),
    );
    const expected = stack === prod ? 'Chronopost/prod' : 'Chronopost/pr-12';
    expect(namespaces).toEqual({
      oauth: undefined,
      api: undefined,
      dispatcher: expected,
      publisher: expected,
      'token-refresher': expected,
      media: undefined,
    });
  });

  it('points every trigger at an alias, never at $LATEST or the bare function', () => {
    const aliasArns = new Set(SERVICE_NAMES.map((service) => aliasArn(stack, service)));
    // API Gateway integrations
    const integrations = list(stack, 'aws_apigatewayv2_integration');
    expect(integrations.map((integration) => integration.integration_uri).sort()).toEqual(
      [aliasArn(stack, 'api'), aliasArn(stack, 'oauth')].sort(),
    );
    // SQS event source mapping
    const [mapping, ...otherMappings] = list(stack, 'aws_lambda_event_source_mapping');
    expect(otherMappings).toEqual([]);
    expect(mapping?.function_name).toBe(aliasArn(stack, 'publisher'));
    // EventBridge Scheduler targets
    for (const schedule of list(stack, 'aws_scheduler_schedule')) {
      expect(aliasArns.has((schedule.target as { arn: string }).arn)).toBe(true);
    }
    // S3 notifications
    const [notification] = list(stack, 'aws_s3_bucket_notification');
    expect((notification?.lambda_function as { lambda_function_arn: string }[]).map((target) => target.lambda_function_arn)).toEqual([
      aliasArn(stack, 'media'),
    ]);
    // only for uploads, not for the processed images the media function writes itself
    expect((notification?.lambda_function as { filter_prefix?: string }[])[0]?.filter_prefix).toBe('uploads/');
    // and the permissions that let them invoke are on the alias too
    for (const permission of list(stack, 'aws_lambda_permission')) expect(permission.qualifier).toBe('live');
  });

  it('routes exactly HTTP_ROUTES, with the JWT authorizer on exactly the `jwt` routes', () => {
    const [authorizer, ...others] = list(stack, 'aws_apigatewayv2_authorizer');
    expect(others).toEqual([]);
    expect(authorizer).toMatchObject({ authorizer_type: 'JWT', identity_sources: ['$request.header.Authorization'] });
    expect((authorizer?.jwt_configuration as { audience: string[] }).audience).toEqual(['chronopost-api']);
    const integrationOf = Object.fromEntries(
      list(stack, 'aws_apigatewayv2_integration').map((integration) => [
        `integrations/${ref('aws_apigatewayv2_integration', integration.id, 'id')}`,
        integration.integration_uri === aliasArn(stack, 'api') ? 'api' : 'oauth',
      ]),
    );
    const routes = list(stack, 'aws_apigatewayv2_route').map((route) => ({
      key: route.route_key,
      service: integrationOf[route.target as string],
      jwt: route.authorization_type === 'JWT' && route.authorizer_id === ref('aws_apigatewayv2_authorizer', authorizer!.id, 'id'),
      none: route.authorization_type === 'NONE' && route.authorizer_id === undefined,
    }));
    const expected = HTTP_ROUTES.map((route) => ({
      key: `${route.method} ${route.path}`,
      service: route.service,
      jwt: route.auth === 'jwt',
      none: route.auth === 'none',
    }));
    const byKey = (a: { key: unknown }, b: { key: unknown }) => String(a.key).localeCompare(String(b.key));
    expect(routes.sort(byKey)).toEqual(expected.sort(byKey));
  });

  it('admits only the web origin, with credentials, and serves the API on its custom domain', () => {
    const [api] = list(stack, 'aws_apigatewayv2_api');
    const cors = api?.cors_configuration as { allow_origins: string[]; allow_credentials: boolean };
    expect(cors.allow_credentials).toBe(true);
    expect(cors.allow_origins).toHaveLength(1);
    expect(cors.allow_origins[0]).toMatch(/^https:\/\/app(-pr-\d+)?\.\$\{var\.domain\}$/);
    expect(api?.disable_execute_api_endpoint).toBe(true);
    expect(list(stack, 'aws_apigatewayv2_domain_name')).toHaveLength(1);
  });

  it('gives the publish queue a DLQ after 5 receives and a visibility beyond the publisher timeout plus the lease margin', () => {
    const queues = list(stack, 'aws_sqs_queue');
    const queue = queues.find((q) => String(q.name).endsWith('-publish'))!;
    const dlq = queues.find((q) => String(q.name).endsWith('-publish-dlq'))!;
    expect(JSON.parse(queue.redrive_policy as string)).toEqual({
      deadLetterTargetArn: ref('aws_sqs_queue', dlq.id, 'arn'),
      maxReceiveCount: 5,
    });
    expect(queue.visibility_timeout_seconds as number).toBeGreaterThanOrEqual(FUNCTION_TIMEOUT_SECONDS.publisher + LEASE_MARGIN_MS / 1000);
    const [mapping] = list(stack, 'aws_lambda_event_source_mapping');
    expect(mapping).toMatchObject({
      event_source_arn: ref('aws_sqs_queue', queue.id, 'arn'),
      batch_size: 10,
      function_response_types: ['ReportBatchItemFailures'],
    });
    // A Terraform variable, checked within the mapping's range, its default carrying the burst in production.
    expect((mapping?.scaling_config as { maximum_concurrency: string }).maximum_concurrency).toBe('${var.publish_max_concurrency}');
    const variable = stack.variable?.publish_max_concurrency as { type: string; default: number; validation: Array<{ condition: string }> };
    expect(variable.type).toBe('number');
    expect(variable.default).toBeGreaterThanOrEqual(2);
    expect(variable.default).toBeLessThanOrEqual(MAPPING_MAX_CONCURRENCY);
    expect(variable.validation[0]!.condition).toContain(`var.publish_max_concurrency <= ${MAPPING_MAX_CONCURRENCY}`);
    expect(variable.default).toBe(stack === prod ? PUBLISH_MAX_CONCURRENCY : PREVIEW_PUBLISH_MAX_CONCURRENCY);
  });

  it('lets the publisher carry the top-of-the-hour burst: enough invocations for the messages held at once, within the mapping’s ceiling', () => {
    const perSecond = BURST_POSTS_PER_MINUTE / 60;
    const inFlight = (perSecond * PUBLICATION_HOLD_MS) / 1000;
    expect(PUBLISH_MAX_CONCURRENCY * PUBLISH_BATCH_SIZE).toBeGreaterThanOrEqual(inFlight);
    expect(BURST_PUBLISH_CONCURRENCY).toBeLessThanOrEqual(PUBLISH_MAX_CONCURRENCY);
    expect(PUBLISH_MAX_CONCURRENCY).toBeLessThanOrEqual(MAPPING_MAX_CONCURRENCY);
    // A message is held at least from its early arrival to its second.
    expect(PUBLICATION_HOLD_MS).toBeGreaterThan(EARLY_DELIVERY_MS);
  });

  it('schedules the dispatcher every minute, the token refresher every 5 minutes and retention daily, at the start of the period', () => {
    const schedules = list(stack, 'aws_scheduler_schedule').map((schedule) => ({
      expression: schedule.schedule_expression,
      target: (schedule.target as { arn: string }).arn,
      window: (schedule.flexible_time_window as { mode: string }).mode,
    }));
    expect(schedules).toEqual(
      expect.arrayContaining([
        { expression: 'rate(1 minute)', target: aliasArn(stack, 'dispatcher'), window: 'OFF' },
        { expression: 'rate(5 minutes)', target: aliasArn(stack, 'token-refresher'), window: 'OFF' },
        { expression: 'rate(1 day)', target: aliasArn(stack, 'retention'), window: 'OFF' },
      ]),
    );
  });

  it('keeps the media bucket private: public access blocked, TLS only, encrypted, CORS for the web origin', () => {
    const [bucket] = list(stack, 'aws_s3_bucket');
    const bucketId = ref('aws_s3_bucket', bucket!.id, 'id');
    const [block] = list(stack, 'aws_s3_bucket_public_access_block');
    expect(block).toMatchObject({
      bucket: bucketId,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const [policy] = list(stack, 'aws_s3_bucket_policy');
    const [statement] = (JSON.parse(policy!.policy as string) as { Statement: Record<string, unknown>[] }).Statement;
    expect(statement).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': false } } });
    const [encryption] = list(stack, 'aws_s3_bucket_server_side_encryption_configuration');
    expect(JSON.stringify(encryption)).toContain('AES256');
    const [cors] = list(stack, 'aws_s3_bucket_cors_configuration');
    expect((cors!.cors_rule as { allowed_origins: string[] }[])[0]!.allowed_origins).toHaveLength(1);
    const [lifecycle] = list(stack, 'aws_s3_bucket_lifecycle_configuration');
    expect(JSON.stringify(lifecycle)).toContain('abort_incomplete_multipart_upload');
  });

  it('expires OAuth state and locks with TTL on expiresAt', () => {
    const tables = list(stack, 'aws_dynamodb_table');
    expect(tables).toHaveLength(2);
    for (const table of tables) expect(table.ttl).toEqual({ attribute_name: 'expiresAt', enabled: true });
  });

  it('lets only the oauth, publisher and token-refresher roles use the token key, with our encryption context', () => {
    const withKms = policyDocuments(stack)
      .filter((document) => document.where.startsWith('aws_iam_role_policy.'))
      .filter((document) => document.statements.some((statement) => asArray(statement.Action).some((action) => action.startsWith('kms:'))))
      .map((document) => document.where);
    const services = withKms.map((where) => SERVICE_NAMES.find((service) => where.startsWith(`aws_iam_role_policy.${service}_policy_`)));
    expect(services.sort()).toEqual(['oauth', 'publisher', 'token-refresher']);
    for (const where of withKms) {
      const statement = policyDocuments(stack)
        .find((document) => document.where === where)!
        .statements.find((s) => asArray(s.Action).includes('kms:Decrypt'))!;
      expect(statement.Condition).toEqual({ StringEquals: { 'kms:EncryptionContext:purpose': ['oauth-session', 'oauth-state'] } });
    }
  });

  it('sets every variable each function needs, and no secret in plain environment variables', () => {
    for (const [service, { fn }] of Object.entries(functions) as [ServiceName, (typeof functions)[ServiceName]][]) {
      const variables = (fn.environment as { variables: Record<string, string> }).variables;
      // SECRET_ARNS as the function reads it at cold start, the ARNs (apply-time references) filled in.
      const secretArns = secretArnsSchema.parse(
        (variables[SECRET_ARNS_VARIABLE] ?? '{}').replace(/\$\{[^}]*\}/g, 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x'),
      ) as Record<string, string>;
      const { required, optional } = serviceEnvNames(service);
      const known = new Set([...required, ...optional, SECRET_ARNS_VARIABLE, 'NODE_OPTIONS']);
      // Only names the service reads (or the runtime does): a typo would be a variable nobody reads.
      expect(Object.keys(variables).filter((name) => !known.has(name))).toEqual([]);
      for (const secret of SECRET_VARIABLES) expect(variables).not.toHaveProperty(secret);
      for (const name of required) expect(name in variables || name in secretArns, `${service} lacks ${name}`).toBe(true);
      // The whole environment passes the service's own schema (cross-field rules included), with
      // apply-time references and secret values replaced by values of the right shape.
      const resolved = Object.fromEntries(
        Object.entries(variables).map(([name, value]) => [
          name,
          value.replace(/\$\{([^}]*)\}/g, (_, expression: string) =>
            expression === 'var.domain'
              ? 'chronopost.example'
              : expression.endsWith('.url')
                ? 'https://sqs.us-east-1.amazonaws.com/1/q'
                : 'resolved-at-apply',
          ),
        ]),
      );
      const secretValues: Record<string, string> = {
        DATABASE_URL: 'postgres://chronopost:secret@db.example:5432/chronopost',
        APP_JWT_PRIVATE_KEYS: JSON.stringify([{ kty: 'RSA', kid: 'k', d: 'x' }]),
        OAUTH_CLIENT_PRIVATE_KEYS: JSON.stringify([{ kty: 'EC', kid: 'k', d: 'x' }]),
      };
      const env = { ...resolved, ...Object.fromEntries(Object.keys(secretArns).map((name) => [name, secretValues[name]])) };
      expect(() => parseConfig(SERVICE_ENV_SCHEMAS[service], env)).not.toThrow();
    }
  });
});

describe('IAM across every stack', () => {
  const all = { bootstrap, prod, preview12 };

  it('never allows `*` or `service:*` actions', () => {
    for (const stack of Object.values(all)) {
      for (const { where, statements } of policyDocuments(stack)) {
        for (const statement of statements) {
          for (const action of asArray(statement.Action)) {
            expect(action === '*' || action.endsWith(':*'), `${where} ${statement.Sid ?? ''} allows ${action}`).toBe(false);
          }
        }
      }
    }
  });

  it('uses Resource `*` only where AWS requires it, each place named', () => {
    const reasons = Object.values(STAR_RESOURCE_REASONS);
    const starPlaces = new Set<string>();
    for (const stack of Object.values(all)) {
      for (const { where, statements } of policyDocuments(stack)) {
        for (const statement of statements) {
          if (!asArray(statement.Resource).includes('*')) continue;
          const reason = reasons.find((name) => statement.Sid?.startsWith(name));
          expect(reason, `${where} ${statement.Sid ?? '(no Sid)'} uses Resource *`).toBeDefined();
          // The Deny of insecure transport names `*` as principal, never as resource.
          starPlaces.add(reason!);
        }
      }
    }
    // The places, named: the token key's policy ("this key"), and the deploy roles' key creation,
    // certificate requests, event source mappings (narrowed by function ARN) and log group listing.
    expect([...starPlaces].sort()).toEqual(['AcmRequest', 'EventSourceMappings', 'KeyPolicySelf', 'KmsCreateKey', 'LogsDescribe']);
  });

  it('gives each function its own role, with only the permissions its code uses', () => {
    const functions = functionsOf(prod);
    const actionsOf = (service: ServiceName) => {
      const roleRef = resources(prod, 'aws_lambda_function')[functions[service].fnId]!.role as string;
      const roleId = roleRef.split('.')[1]!;
      const policy = list(prod, 'aws_iam_role_policy').find((p) => p.role === ref('aws_iam_role', roleId, 'name'))!;
      return (JSON.parse(policy.policy as string) as { Statement: { Action: string[] }[] }).Statement.flatMap((s) => s.Action).sort();
    };
    const logs = ['logs:CreateLogStream', 'logs:PutLogEvents'];
    const secrets = ['secretsmanager:GetSecretValue'];
    const sessions = ['dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'kms:Decrypt', 'kms:GenerateDataKey'];
    const sorted = (...actions: string[]) => actions.sort();
    expect(actionsOf('api')).toEqual(sorted(...logs, ...secrets, 'sqs:SendMessage', 's3:PutObject', 's3:GetObject', 's3:DeleteObject'));
    expect(actionsOf('dispatcher')).toEqual(sorted(...logs, ...secrets, 'sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage'));
    expect(actionsOf('media')).toEqual(sorted(...logs, ...secrets, 's3:GetObject', 's3:PutObject'));
    expect(actionsOf('publisher')).toEqual(
      sorted(...logs, ...secrets, ...sessions, 's3:GetObject', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'),
    );
    expect(actionsOf('token-refresher')).toEqual(sorted(...logs, ...secrets, ...sessions));
    expect(actionsOf('retention')).toEqual(sorted(...logs, ...secrets, 's3:DeleteObject'));
    expect(actionsOf('oauth')).toEqual(
      sorted(...logs, ...secrets, ...sessions, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'),
    );
  });
});

describe('the alarms', () => {
  const alarms = Object.fromEntries(list(prod, 'aws_cloudwatch_metric_alarm').map((alarm) => [String(alarm.alarm_name), alarm]));
  const topic = ref('aws_sns_topic', list(prod, 'aws_sns_topic')[0]!.id, 'arn');

  it('watch the DLQ, failure rate, lateness p99, the dispatcher heartbeat, each function and API 5xx, all to the SNS topic', () => {
    const expected = [
      'chronopost-dlq-not-empty',
      'chronopost-publish-failure-rate',
      'chronopost-lateness-p99',
      'chronopost-dispatcher-heartbeat',
      'chronopost-api-5xx',
      ...SERVICE_NAMES.flatMap((service) => [`chronopost-${service}-errors`, `chronopost-${service}-throttles`]),
    ];
    expect(Object.keys(alarms).sort()).toEqual(expected.sort());
    for (const alarm of Object.values(alarms)) expect(alarm.alarm_actions).toEqual([topic]);
  });

  it('read the metrics the services emit, with the thresholds of the design', () => {
    expect(alarms['chronopost-lateness-p99']).toMatchObject({
      namespace: 'Chronopost/prod',
      metric_name: 'PublishLatenessMs',
      extended_statistic: 'p99',
      threshold: 5000,
      dimensions: { service: 'publisher' },
    });
    expect(alarms['chronopost-dispatcher-heartbeat']).toMatchObject({
      metric_name: 'DispatchTicks',
      period: 60,
      evaluation_periods: 5,
      comparison_operator: 'LessThanThreshold',
      threshold: 1,
      treat_missing_data: 'breaching',
    });
    const rate = alarms['chronopost-publish-failure-rate']!;
    expect(rate.threshold).toBe(5);
    const queries = rate.metric_query as { id: string; metric?: { metric_name: string; period: number }; expression?: string }[];
    expect(queries.filter((query) => query.metric).map((query) => [query.metric!.metric_name, query.metric!.period])).toEqual([
      ['PostsFailed', 900],
      ['PostsPublished', 900],
    ]);
    expect(alarms['chronopost-dlq-not-empty']).toMatchObject({
      namespace: 'AWS/SQS',
      threshold: 0,
      comparison_operator: 'GreaterThanThreshold',
    });
    expect(list(preview12, 'aws_cloudwatch_metric_alarm')).toEqual([]);
  });
});

describe('the token key', () => {
  it('admits only the oauth, publisher and token-refresher roles (production and previews), with the purpose condition', () => {
    const [key] = list(prod, 'aws_kms_key');
    const statements = (JSON.parse(key!.policy as string) as { Statement: Record<string, unknown>[] }).Statement;
    const use = statements.find((statement) => (statement.Action as string[]).includes('kms:Decrypt'))!;
    const roles = (use.Condition as { ArnLike: { 'aws:PrincipalArn': string[] } }).ArnLike['aws:PrincipalArn'];
    expect(roles.map((arn) => arn.split(':role/')[1]).sort()).toEqual(
      [
        'chronopost-oauth',
        'chronopost-publisher',
        'chronopost-token-refresher',
        'chronopost-pr-*-oauth',
        'chronopost-pr-*-publisher',
        'chronopost-pr-*-token-refresher',
      ].sort(),
    );
    expect((use.Condition as Record<string, unknown>).StringEquals).toEqual({
      'kms:EncryptionContext:purpose': ['oauth-session', 'oauth-state'],
    });
    expect(key!.enable_key_rotation).toBe(true);
  });

  it('is production’s; a preview looks it up instead of creating its own', () => {
    expect(list(preview12, 'aws_kms_key')).toEqual([]);
    expect(JSON.stringify(preview12.data?.aws_kms_alias)).toContain('alias/chronopost-tokens');
  });
});

describe('a preview stack', () => {
  it('carries its pull request number in every name, and uses schema pr_<n>', () => {
    const unnamed = new Set(['aws_lambda_alias', 'aws_apigatewayv2_stage']);
    const checked: string[] = [];
    for (const [type, byId] of Object.entries(preview12.resource)) {
      if (unnamed.has(type)) continue;
      for (const [id, value] of Object.entries(byId)) {
        for (const attribute of ['name', 'function_name', 'bucket', 'alarm_name', 'domain_name']) {
          const name = value[attribute];
          if (typeof name !== 'string' || name.startsWith('${')) continue;
          expect(name, `${type}.${id}.${attribute}`).toMatch(/pr-12\b/);
          checked.push(`${type}.${attribute}`);
        }
      }
    }
    expect(checked.length).toBeGreaterThan(30);
    for (const fn of list(preview12, 'aws_lambda_function')) {
      expect((fn.environment as { variables: Record<string, string> }).variables.DB_SCHEMA).toBe('pr_12');
    }
    expect(preview12.terraform.backend?.s3?.key).toBe('preview/pr-12.tfstate');
  });

  it('shares no name with production or another preview', () => {
    const names = (stack: Synthesized) =>
      new Set(
        Object.values(stack.resource)
          .flatMap((byId) => Object.values(byId))
          .flatMap((value) => ['name', 'function_name', 'bucket'].map((attribute) => value[attribute]))
          .filter((name): name is string => typeof name === 'string' && !name.startsWith('${') && name !== 'live' && name !== '$default'),
      );
    const [a, b, c] = [names(prod), names(preview12), names(preview15)];
    expect([...b].filter((name) => a.has(name) || c.has(name))).toEqual([]);
  });

  it('follows each deploy with its alias, where production leaves the alias to the deploy workflow', () => {
    for (const alias of list(prod, 'aws_lambda_alias')) expect(alias.lifecycle).toEqual({ ignore_changes: ['function_version'] });
    for (const alias of list(preview12, 'aws_lambda_alias')) expect(alias.lifecycle).toBeUndefined();
  });
});

describe('the bootstrap stack', () => {
  it('keeps the state in a versioned, KMS-encrypted, private bucket with a DynamoDB lock table', () => {
    expect(list(bootstrap, 'aws_s3_bucket_versioning')[0]?.versioning_configuration).toEqual({ status: 'Enabled' });
    expect(JSON.stringify(list(bootstrap, 'aws_s3_bucket_server_side_encryption_configuration'))).toContain('aws:kms');
    expect(list(bootstrap, 'aws_s3_bucket_public_access_block')[0]).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(list(bootstrap, 'aws_dynamodb_table')[0]).toMatchObject({ name: 'chronopost-terraform-locks', hash_key: 'LockID' });
    for (const stack of [prod, preview12]) {
      expect(stack.terraform.backend?.s3).toMatchObject({ encrypt: true, dynamodb_table: 'chronopost-terraform-locks' });
    }
  });

  it('lets only this repository’s main branch assume the deploy role, and its pull requests the preview role', () => {
    const trust = (name: string) => {
      const role = list(bootstrap, 'aws_iam_role').find((r) => r.name === name)!;
      const [statement] = (JSON.parse(role.assume_role_policy as string) as { Statement: PolicyStatementLike[] }).Statement;
      return statement!.Condition;
    };
    expect(trust('chronopost-deploy')).toEqual({
      StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
      'ForAnyValue:StringEquals': { 'token.actions.githubusercontent.com:sub': ['repo:octo/chronopost:ref:refs/heads/main'] },
    });
    expect(trust('chronopost-preview')['ForAnyValue:StringEquals']).toEqual({
      'token.actions.githubusercontent.com:sub': ['repo:octo/chronopost:pull_request', 'repo:octo/chronopost:ref:refs/heads/main'],
    });
  });

  it('confines the preview role to chronopost-pr-* resources and preview state', () => {
    const role = list(bootstrap, 'aws_iam_role').find((r) => r.name === 'chronopost-preview')!;
    const policy = list(bootstrap, 'aws_iam_role_policy').find((p) => p.role === ref('aws_iam_role', role.id, 'name'))!;
    const statements = (JSON.parse(policy.policy as string) as { Statement: PolicyStatement[] }).Statement;
    for (const statement of statements) {
      // Resources API Gateway and ACM name by random ids are narrowed by the preview's tags instead.
      const taggedAsPreview = JSON.stringify(statement.Condition ?? {}).includes('"pr-*"');
      for (const arn of asArray(statement.Resource)) {
        const allowed =
          taggedAsPreview ||
          arn.includes('chronopost-pr-*') ||
          arn.endsWith(':table/chronopost-terraform-locks') ||
          arn === 'arn:aws:s3:::chronopost-terraform-state' ||
          arn === 'arn:aws:s3:::chronopost-terraform-state/preview/*' ||
          arn.endsWith(':secret:chronopost/database-url-*') ||
          arn.endsWith(':alias/chronopost-tokens') ||
          arn.startsWith('${aws_kms_key.state-key') ||
          (statement.Sid === 'TokenKeyLookup' && arn.endsWith(':key/*')) ||
          // `*` only narrowed by a condition, or for the read-only listing of log groups.
          (arn === '*' && (statement.Condition !== undefined || statement.Sid === 'LogsDescribe'));
        expect(allowed, `${statement.Sid ?? ''} ${arn}`).toBe(true);
      }
    }
  });
});

type PolicyStatementLike = { Condition: Record<string, Record<string, unknown>> };
