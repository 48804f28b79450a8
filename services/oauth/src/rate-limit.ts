import { type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';

export interface RateLimiter {
  /** Counts one attempt for `key`; says whether it is allowed and, if not, when to retry. */
  hit(key: string): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
}

export const LOGIN_WINDOW_SECONDS = 600;

/**
 * Fixed-window counters in DynamoDB (one atomic ADD per attempt), shared by every Lambda
 * instance, so the limit holds however many containers serve logins.
 */
export function createLoginRateLimiter(options: {
  dynamodb: DynamoDBClient;
  table: string;
  limit: number;
  windowSeconds?: number;
  now?: () => number;
}): RateLimiter {
  const windowSeconds = options.windowSeconds ?? LOGIN_WINDOW_SECONDS;
  const now = options.now ?? Date.now;
  return {
    async hit(key) {
      const nowSeconds = Math.floor(now() / 1000);
      const windowStart = nowSeconds - (nowSeconds % windowSeconds);
      const result = await options.dynamodb.send(
        new UpdateItemCommand({
          TableName: options.table,
          Key: { pk: { S: `ratelimit#login#${key}#${windowStart}` } },
          UpdateExpression: 'ADD hits :one SET expiresAt = :expires',
          ExpressionAttributeValues: { ':one': { N: '1' }, ':expires': { N: String(windowStart + windowSeconds * 2) } },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const hits = Number(result.Attributes?.hits?.N ?? 1);
      return { allowed: hits <= options.limit, retryAfterSeconds: windowStart + windowSeconds - nowSeconds };
    },
  };
}
