import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { ServiceName } from '@chronopost/shared-schemas';
import { Construct } from 'constructs';
import { policyDocument, STAR_RESOURCE_REASONS } from '../iam';
import { PREVIEW_PREFIX, PROD_PREFIX } from '../naming';

export const TOKEN_KEY_ALIAS = 'alias/chronopost-tokens';

/** The services that seal or open stored OAuth sessions and pending logins. */
export const TOKEN_KEY_USERS = ['oauth', 'publisher', 'token-refresher'] as const satisfies readonly ServiceName[];

/** The encryption contexts our code uses (packages/bluesky): every use must carry one of them. */
export const TOKEN_KEY_PURPOSES = ['oauth-session', 'oauth-state'] as const;

/** Role ARNs (patterns for previews) of the functions that may use the key, in production and in every preview. */
export const tokenKeyUserRoles = (accountId: string): string[] =>
  TOKEN_KEY_USERS.flatMap((service) => [
    `arn:aws:iam::${accountId}:role/${PROD_PREFIX}-${service}`,
    `arn:aws:iam::${accountId}:role/${PREVIEW_PREFIX}*-${service}`,
  ]);

/**
 * The KMS key for token envelopes, shared by production and the previews. Its key policy lets
 * the account's administrators manage it (IAM decides who that is: the deploy role) and lets only
 * the oauth, publisher and token-refresher roles use it, and only with our encryption context.
 */
export class TokenKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: { accountId: string }) {
    super(scope, id);
    const root = `arn:aws:iam::${props.accountId}:root`;
    this.key = new KmsKey(this, 'key', {
      description: 'Chronopost: wraps the data keys that encrypt stored OAuth sessions',
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument([
        {
          // Without this statement the key could become unmanageable (AWS's lockout check).
          Sid: `${STAR_RESOURCE_REASONS.KeyPolicySelf}Administration`,
          Effect: 'Allow',
          Principal: { AWS: root },
          Action: [
            'kms:Create*',
            'kms:Describe*',
            'kms:Enable*',
            'kms:List*',
            'kms:Put*',
            'kms:Update*',
            'kms:Revoke*',
            'kms:Disable*',
            'kms:Get*',
            'kms:Delete*',
            'kms:TagResource',
            'kms:UntagResource',
            'kms:ScheduleKeyDeletion',
            'kms:CancelKeyDeletion',
          ],
          Resource: '*',
        },
        {
          Sid: `${STAR_RESOURCE_REASONS.KeyPolicySelf}TokenEnvelopes`,
          Effect: 'Allow',
          Principal: { AWS: root },
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: '*',
          Condition: {
            ArnLike: { 'aws:PrincipalArn': tokenKeyUserRoles(props.accountId) },
            StringEquals: { 'kms:EncryptionContext:purpose': [...TOKEN_KEY_PURPOSES] },
          },
        },
      ]),
    });
    new KmsAlias(this, 'alias', { name: TOKEN_KEY_ALIAS, targetKeyId: this.key.keyId });
  }
}
