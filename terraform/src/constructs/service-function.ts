import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaAlias } from '@cdktf/provider-aws/lib/lambda-alias';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import {
  FUNCTION_TIMEOUT_SECONDS,
  SECRET_ARNS_VARIABLE,
  type SecretVariable,
  type ServiceEnvName,
  type ServiceName,
} from '@chronopost/shared-schemas';
import { Fn, Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { policyDocument, serviceTrust, type Statement } from '../iam';

/** Every trigger invokes this alias, never `$LATEST`: a deploy moves it, a rollback moves it back. */
export const LIVE_ALIAS = 'live';

export interface ServiceFunctionProps<S extends ServiceName> {
  service: S;
  /** Resource name prefix: `chronopost` or `chronopost-pr-12`. */
  prefix: string;
  accountId: string;
  region: string;
  memoryMb: number;
  /** The zip `pnpm build` wrote for this service. */
  zipPath: string;
  logRetentionDays: number;
  /**
   * `workflow`: the deploy workflow moves the alias after migrations and the health check, so
   * terraform leaves it where it is. `terraform`: the alias follows each published version
   * (previews, which have no users to protect).
   */
  aliasManagedBy: 'workflow' | 'terraform';
}

/**
 * One Lambda function of a service: runtime, architecture, memory, timeout, log group with
 * retention, published versions and the `live` alias, and one IAM role. Resources are bound
 * through `env`, `secret` and `grant`, so the variable and the permission are set in one place.
 */
export class ServiceFunction<S extends ServiceName> extends Construct {
  readonly service: S;
  readonly functionName: string;
  readonly role: IamRole;
  readonly fn: LambdaFunction;
  readonly alias: LambdaAlias;
  readonly logGroup: CloudwatchLogGroup;
  private readonly variables: Record<string, string> = {};
  private readonly secretArns: Partial<Record<SecretVariable, string>> = {};
  private readonly statements: Statement[] = [];

  constructor(scope: Construct, props: ServiceFunctionProps<S>) {
    super(scope, props.service);
    this.service = props.service;
    this.functionName = `${props.prefix}-${props.service}`;

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/lambda/${this.functionName}`,
      retentionInDays: props.logRetentionDays,
    });
    this.role = new IamRole(this, 'role', {
      name: this.functionName,
      assumeRolePolicy: serviceTrust('lambda.amazonaws.com', props.accountId),
    });
    // Writing its own log streams; the group itself is terraform's, so no logs:CreateLogGroup.
    this.grant({
      Sid: 'OwnLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [`${this.logGroup.arn}:*`],
    });
    new IamRolePolicy(this, 'policy', {
      name: this.functionName,
      role: this.role.name,
      policy: Lazy.stringValue({
        produce: () => {
          const secrets = Object.values(this.secretArns);
          const readSecrets: Statement[] =
            secrets.length > 0
              ? [{ Sid: 'OwnSecrets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: secrets }]
              : [];
          return policyDocument([...this.statements, ...readSecrets]);
        },
      }),
    });

    this.fn = new LambdaFunction(this, 'function', {
      functionName: this.functionName,
      role: this.role.arn,
      runtime: 'nodejs24.x',
      // Graviton: cheaper per GB-second; the bundles are plain JavaScript.
      architectures: ['arm64'],
      handler: 'index.handler',
      memorySize: props.memoryMb,
      timeout: FUNCTION_TIMEOUT_SECONDS[props.service],
      filename: props.zipPath,
      sourceCodeHash: Fn.filebase64sha256(props.zipPath),
      publish: true,
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name },
      environment: {
        variables: Lazy.anyValue({
          produce: () => ({
            ...this.variables,
            ...(Object.keys(this.secretArns).length > 0 ? { [SECRET_ARNS_VARIABLE]: JSON.stringify(this.secretArns) } : {}),
          }),
        }) as unknown as Record<string, string>,
      },
      dependsOn: [this.logGroup],
    });
    // Stack traces point into the TypeScript sources (the zips carry source maps).
    this.runtimeVariable('NODE_OPTIONS', '--enable-source-maps');

    this.alias = new LambdaAlias(this, 'live', {
      name: LIVE_ALIAS,
      functionName: this.fn.functionName,
      functionVersion: this.fn.version,
      lifecycle: props.aliasManagedBy === 'workflow' ? { ignoreChanges: ['function_version'] } : undefined,
    });
  }

  /** Sets one of the variables the service's config schema reads (typed: a typo does not compile). */
  env(name: ServiceEnvName<S>, value: string): this {
    this.variables[name] = value;
    return this;
  }

  /** A variable read by the Node.js runtime or Powertools rather than by our config. */
  private runtimeVariable(name: 'NODE_OPTIONS', value: string): void {
    this.variables[name] = value;
  }

  /** A secret variable: its value stays in Secrets Manager and is read once at cold start. */
  secret(name: SecretVariable & ServiceEnvName<S>, secretArn: string): this {
    this.secretArns[name] = secretArn;
    return this;
  }

  grant(statement: Statement): this {
    this.statements.push(statement);
    return this;
  }
}
