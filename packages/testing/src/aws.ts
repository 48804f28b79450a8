import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { localClientOptions } from '@chronopost/local';
import { testEnvironment } from './environment';

/** Real SDK clients pointed at the shared stand-ins. */
export const testSqsClient = () => new SQSClient(localClientOptions(testEnvironment().sqsEndpoint));
export const testDynamoDbClient = () => new DynamoDBClient(localClientOptions(testEnvironment().dynamodbEndpoint));
export const testS3Client = () =>
  new S3Client({
    ...localClientOptions(testEnvironment().s3Endpoint),
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

/** The AWS part of a service environment, as the local runtime would set it. */
export const testAwsEnv = () => {
  const environment = testEnvironment();
  return {
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_SQS: environment.sqsEndpoint,
    AWS_ENDPOINT_URL_S3: environment.s3Endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: environment.dynamodbEndpoint,
  };
};
