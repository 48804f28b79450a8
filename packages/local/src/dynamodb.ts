import type { Server } from 'node:http';
import { mkdir } from 'node:fs/promises';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { localClientOptions } from './aws-local';
import { listen } from './ports';

export interface LocalDynamoDb {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Starts `dynalite` (DynamoDB's API on LevelDB). It has no TTL: items carry an expiry attribute
 * that readers check, which they must do in AWS too because TTL deletion lags by hours.
 */
export async function startLocalDynamoDb(options: { host: string; port: number; directory?: string }): Promise<LocalDynamoDb> {
  if (options.directory) await mkdir(options.directory, { recursive: true });
  const server: Server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.directory ? { path: options.directory } : {}),
  });
  const port = await listen(server, options.host, options.port);
  return {
    endpoint: `http://${options.host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** The tables terraform creates: both keyed by a string `pk`, with an `expiresAt` (epoch seconds) TTL attribute. */
export async function createTables(dynamodb: DynamoDBClient, names: string[]): Promise<void> {
  for (const name of names) {
    try {
      await dynamodb.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        }),
      );
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    await dynamodb.send(new DescribeTableCommand({ TableName: name }));
  }
}

export const createLocalDynamoDbClient = (endpoint: string) => new DynamoDBClient(localClientOptions(endpoint));
