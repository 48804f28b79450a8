import type { AwsConfig } from '@chronopost/shared-schemas';

/**
 * Options for an AWS SDK v3 client. In AWS only the region matters; locally the endpoint points
 * at a stand-in. S3 stand-ins need path-style URLs and no default request checksums.
 */
export function awsClientOptions(aws: AwsConfig, service: keyof AwsConfig['endpoints']) {
  const endpoint = aws.endpoints[service];
  return {
    region: aws.region,
    ...(endpoint ? { endpoint } : {}),
    ...(service === 's3' && endpoint
      ? { forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' as const, responseChecksumValidation: 'WHEN_REQUIRED' as const }
      : {}),
  };
}
