import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * s3rver accepts browser-based uploads (POST with a form) but ignores their policy: it would
 * store a file of any size or type under any key. S3 enforces the policy, and Chronopost relies
 * on it to bound uploads, so this front does what S3 does before handing the request on: checks
 * the policy's signature (SigV4, with the local secret) and expiry, that every form field is
 * covered by a condition, and every condition (exact values, prefixes, content-length-range).
 * Every other request passes through untouched.
 */

type Condition = Record<string, string> | [string, string | number, string | number];

/** Largest form body read (S3's own limit is 5 GB; uploads here are bounded far lower by policy). */
const MAX_FORM_BYTES = 100 * 1024 * 1024;
/** Fields S3 leaves out of the policy check. */
const UNCHECKED = new Set(['file', 'policy', 'x-amz-signature', 'awsaccesskeyid', 'signature']);

class PolicyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

function verifySignature(fields: Map<string, string>, secretAccessKey: string): void {
  const policy = fields.get('policy');
  const signature = fields.get('x-amz-signature');
  const credential = fields.get('x-amz-credential');
  if (!policy || !signature || !credential)
    throw new PolicyError(403, 'AccessDenied', 'Bucket POST must contain a policy and its signature.');
  const [, date, region, service, terminal] = credential.split('/');
  if (!date || !region || service !== 's3' || terminal !== 'aws4_request') {
    throw new PolicyError(400, 'InvalidArgument', 'The credential is malformed.');
  }
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), 's3'), 'aws4_request');
  const expected = hmac(key, policy);
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new PolicyError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
  }
}

function checkPolicy(fields: Map<string, string>, bucket: string, fileSize: number, now: Date): void {
  let policy: { expiration?: string; conditions?: Condition[] };
  try {
    policy = JSON.parse(Buffer.from(fields.get('policy')!, 'base64').toString('utf8')) as typeof policy;
  } catch {
    throw new PolicyError(400, 'InvalidPolicyDocument', 'Invalid Policy: Invalid JSON.');
  }
  if (!policy.expiration || !(new Date(policy.expiration).getTime() > now.getTime())) {
    throw new PolicyError(403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');
  }
  const values = new Map(fields);
  values.set('bucket', bucket);
  const covered = new Set<string>(['bucket']);
  const failed = (condition: unknown) =>
    new PolicyError(403, 'AccessDenied', `Invalid according to Policy: Policy Condition failed: ${JSON.stringify(condition)}`);
  for (const condition of policy.conditions ?? []) {
    if (!Array.isArray(condition)) {
      for (const [name, value] of Object.entries(condition)) {
        covered.add(name.toLowerCase());
        if (values.get(name.toLowerCase()) !== value) throw failed(condition);
      }
      continue;
    }
    const [operator, first, second] = condition;
    if (operator === 'content-length-range') {
      if (fileSize < Number(first))
        throw new PolicyError(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size.');
      if (fileSize > Number(second)) throw new PolicyError(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.');
      continue;
    }
    const name = String(first).replace(/^\$/, '').toLowerCase();
    covered.add(name);
    const value = values.get(name) ?? '';
    if (operator === 'eq' && value !== String(second)) throw failed(condition);
    if (operator === 'starts-with' && !value.startsWith(String(second))) throw failed(condition);
    if (operator !== 'eq' && operator !== 'starts-with') throw new PolicyError(400, 'InvalidPolicyDocument', `Invalid Policy: ${operator}`);
  }
  for (const name of fields.keys()) {
    if (!covered.has(name) && !UNCHECKED.has(name) && !name.startsWith('x-ignore-')) {
      throw new PolicyError(403, 'AccessDenied', `Invalid according to Policy: Extra input fields: ${name}`);
    }
  }
}

const errorXml = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message.replace(/[<>&]/g, '')}</Message></Error>`;

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new PolicyError(400, 'MaxPostPreDataLengthExceeded', 'Your POST request is too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Starts the front on `host:port`, passing requests on to s3rver at `target`. */
export async function startPostPolicyFront(options: {
  host: string;
  port: number;
  target: { host: string; port: number };
  secretAccessKey: string;
  /** The web app's origin: the browser must be able to read the refusals too. */
  corsOrigin: string;
}): Promise<{ port: number; close(): Promise<void> }> {
  const forward = (request: IncomingMessage, response: ServerResponse, body?: Buffer) => {
    const upstream = httpRequest(
      { host: options.target.host, port: options.target.port, method: request.method, path: request.url, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    if (body) upstream.end(body);
    else request.pipe(upstream);
  };

  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://s3').pathname;
    const bucket = /^\/([^/]+)\/?$/.exec(path)?.[1];
    const isForm = request.method === 'POST' && bucket && (request.headers['content-type'] ?? '').startsWith('multipart/form-data');
    if (!isForm) return forward(request, response);
    void (async () => {
      try {
        const body = await readBody(request);
        const form = await new Response(body, { headers: { 'content-type': request.headers['content-type']! } }).formData();
        const fields = new Map<string, string>();
        let fileSize = -1;
        for (const [name, value] of form) {
          if (typeof value === 'string') fields.set(name.toLowerCase(), value);
          else if (name === 'file') fileSize = value.size;
        }
        if (fileSize < 0) throw new PolicyError(400, 'InvalidArgument', 'POST requires exactly one file upload per request.');
        verifySignature(fields, options.secretAccessKey);
        checkPolicy(fields, decodeURIComponent(bucket), fileSize, new Date());
        forward(request, response, body);
      } catch (error) {
        const refusal =
          error instanceof PolicyError
            ? error
            : new PolicyError(400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.');
        response.writeHead(refusal.status, {
          'content-type': 'application/xml',
          'access-control-allow-origin': options.corsOrigin,
          connection: 'close',
        });
        response.end(errorXml(refusal.code, refusal.message));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
