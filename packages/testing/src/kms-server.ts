import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/**
 * A KMS-protocol test server (AWS JSON 1.1, `TrentService.*`): KMS cannot run here, so this
 * stands in for it over HTTP, and the real `@aws-sdk/client-kms` talks to it. It implements what the
 * vault uses — GenerateDataKey and Decrypt — with KMS's rules: the encryption context must match
 * exactly, unknown keys are NotFoundException, bad ciphertexts InvalidCiphertextException.
 */
export interface TestKmsServer {
  endpoint: string;
  keyArn: string;
  /** How many calls of each operation it served. */
  calls: Record<string, number>;
  close(): Promise<void>;
}

const contextBytes = (context: Record<string, string> = {}) =>
  Buffer.from(JSON.stringify(Object.entries(context).sort(([a], [b]) => a.localeCompare(b))));

export async function startTestKmsServer(): Promise<TestKmsServer> {
  const keyArn = `arn:aws:kms:us-east-1:000000000000:key/${randomUUID()}`;
  const keys = new Map([[keyArn, randomBytes(32)]]);
  const calls: Record<string, number> = {};

  const fail = (type: string, message: string) => ({ status: 400, body: { __type: type, message } });

  const operations: Record<string, (input: Record<string, unknown>) => { status: number; body: unknown }> = {
    GenerateDataKey: (input) => {
      const keyId = String(input.KeyId);
      const master = keys.get(keyId);
      if (!master) return fail('NotFoundException', `Key '${keyId}' does not exist`);
      if (input.KeySpec !== 'AES_256') return fail('ValidationException', 'KeySpec must be AES_256 here');
      const plaintext = randomBytes(32);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', master, iv);
      cipher.setAAD(contextBytes(input.EncryptionContext as Record<string, string>));
      const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      const id = Buffer.from(keyId, 'utf8');
      const blob = Buffer.concat([Buffer.from([id.length]), id, iv, cipher.getAuthTag(), sealed]);
      return { status: 200, body: { KeyId: keyId, Plaintext: plaintext.toString('base64'), CiphertextBlob: blob.toString('base64') } };
    },
    Decrypt: (input) => {
      const blob = Buffer.from(String(input.CiphertextBlob), 'base64');
      const idLength = blob[0] ?? 0;
      const keyId = blob.subarray(1, 1 + idLength).toString('utf8');
      const master = keys.get(keyId);
      if (!master || (input.KeyId && input.KeyId !== keyId))
        return fail('IncorrectKeyException', 'The key ID does not match the ciphertext');
      const rest = blob.subarray(1 + idLength);
      const decipher = createDecipheriv('aes-256-gcm', master, rest.subarray(0, 12));
      decipher.setAAD(contextBytes(input.EncryptionContext as Record<string, string>));
      decipher.setAuthTag(rest.subarray(12, 28));
      try {
        const plaintext = Buffer.concat([decipher.update(rest.subarray(28)), decipher.final()]);
        return { status: 200, body: { KeyId: keyId, Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' } };
      } catch {
        return fail('InvalidCiphertextException', 'The ciphertext or its encryption context is invalid');
      }
    },
  };

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = operations[target.replace('TrentService.', '')];
      const result = operation
        ? operation(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>)
        : fail('UnknownOperationException', `${target} is not implemented by the test server`);
      calls[target] = (calls[target] ?? 0) + 1;
      response.writeHead(result.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
      response.end(JSON.stringify(result.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { endpoint: `http://127.0.0.1:${port}`, keyArn, calls, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
