import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/**
 * A Secrets Manager test server (AWS JSON 1.1, `secretsmanager.GetSecretValue`): Secrets Manager
 * cannot run here, so this stands in for it over HTTP and the real
 * `@aws-sdk/client-secrets-manager` talks to it. Secrets are found by ARN or name; an unknown one
 * is ResourceNotFoundException, one without a value ResourceNotFoundException too, as in AWS.
 */
export interface TestSecretsManager {
  endpoint: string;
  /** Creates a secret (value undefined: created but never given a value); returns its ARN. */
  put(name: string, value: string | undefined): string;
  /** GetSecretValue calls served, by secret id. */
  reads: string[];
  close(): Promise<void>;
}

export async function startTestSecretsManager(): Promise<TestSecretsManager> {
  const secrets = new Map<string, { arn: string; name: string; value: string | undefined }>();
  const reads: string[] = [];
  const fail = (type: string, message: string) => ({ status: 400, body: { __type: type, message } });

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { SecretId?: string };
      let result: { status: number; body: unknown };
      if (target !== 'secretsmanager.GetSecretValue') {
        result = fail('UnknownOperationException', `${target} is not implemented by the test server`);
      } else {
        const id = String(input.SecretId);
        reads.push(id);
        const secret = [...secrets.values()].find((candidate) => candidate.arn === id || candidate.name === id);
        result = !secret
          ? fail('ResourceNotFoundException', "Secrets Manager can't find the specified secret.")
          : secret.value === undefined
            ? fail('ResourceNotFoundException', "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT")
            : { status: 200, body: { ARN: secret.arn, Name: secret.name, SecretString: secret.value, VersionId: randomUUID() } };
      }
      response.writeHead(result.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
      response.end(JSON.stringify(result.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    put: (name, value) => {
      const arn = `arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}-${randomUUID().slice(0, 6)}`;
      secrets.set(name, { arn, name, value });
      return arn;
    },
    reads,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
