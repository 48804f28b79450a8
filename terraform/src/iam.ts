/** IAM policy documents as plain objects: the synthesized JSON is what the tests read. */
export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  /** Absent only in trust policies. */
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export const policyDocument = (statements: Statement[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });

/**
 * Places where AWS accepts no narrower resource than `*`. Every statement with Resource `*` must
 * name one of these reasons in its Sid, and the synth tests check that nothing else uses `*`.
 */
export const STAR_RESOURCE_REASONS = {
  /** A key policy's Resource is always `*`: it means "this key". */
  KeyPolicySelf: 'KeyPolicySelf',
  /** kms:CreateKey has no resource ARN (the key does not exist yet). */
  KmsCreateKey: 'KmsCreateKey',
  /** acm:RequestCertificate and acm:ListCertificates support no resource-level permissions. */
  AcmRequest: 'AcmRequest',
  /**
   * lambda:CreateEventSourceMapping (and the mapping's Get/Update/Delete) authorize on `*`
   * narrowed by the lambda:FunctionArn condition, since a mapping's ARN is a random UUID.
   */
  EventSourceMappings: 'EventSourceMappings',
  /** logs:DescribeLogGroups lists across the account and takes no resource ARN. */
  LogsDescribe: 'LogsDescribe',
} as const;

/** Trust for an AWS service principal; for anything but Lambda, only on behalf of this account. */
export const serviceTrust = (service: string, accountId: string): string =>
  policyDocument([
    {
      Effect: 'Allow',
      Principal: { Service: service },
      Action: ['sts:AssumeRole'],
      ...(service === 'lambda.amazonaws.com' ? {} : { Condition: { StringEquals: { 'aws:SourceAccount': accountId } } }),
    },
  ]);
