/**
 * What the logger must never print. Keys are matched after lower-casing and removing `-`/`_`, so
 * `refresh_token`, `refreshToken` and `Refresh-Token` are one rule; values are matched as well,
 * because a token can hide inside an error message or a URL.
 */
const SECRET_KEYS = new Set([
  'authorization',
  'cookie',
  'setcookie',
  'password',
  'passphrase',
  'secret',
  'clientsecret',
  'codeverifier',
  'dpop',
  'dpopkey',
  'privatekey',
  'jwk',
  'jwks',
  'ciphertext',
  'plaintext',
  'datakey',
  'masterkey',
]);

const isSecretKey = (key: string): boolean => {
  const normalized = key.toLowerCase().replaceAll(/[-_]/g, '');
  return SECRET_KEYS.has(normalized) || normalized.endsWith('token') || normalized.endsWith('secret') || normalized.endsWith('password');
};

export const REDACTED = '[REDACTED]';

const SECRET_VALUE_PATTERNS: RegExp[] = [
  // JWTs (access tokens, DPoP proofs, client assertions): three base64url segments, the first a JSON header.
  /eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g,
  // Authorization header values.
  /\b(Bearer|DPoP|Basic)\s+[\w.~+/=-]{8,}/gi,
  // Secrets in query strings and form bodies.
  /\b((?:access|refresh|id)_token|code_verifier|client_secret|password)=[^&\s"']+/gi,
];

/** `postgres://user:password@host` → `postgres://[REDACTED]@host`: credentials in any URL. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;

/** The private members of a JWK (RFC 7518: EC and OKP `d`, RSA `d p q dp dq qi`, symmetric `k`). */
const PRIVATE_JWK_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']);

/** Scrubs token-shaped substrings from free text. */
export const redactText = (text: string): string =>
  [...SECRET_VALUE_PATTERNS].reduce(
    (current, pattern) =>
      current.replace(pattern, (match, name?: string) =>
        typeof name === 'string' && match.includes('=') ? `${name}=${REDACTED}` : REDACTED,
      ),
    text.replace(URL_USERINFO, `$1${REDACTED}@`),
  );

/** `insert into "posts" (…)` → `insert posts`: which statement failed, without its values. */
export const statementName = (query: unknown): string => {
  const match = /^\s*(with|select|insert\s+into|update|delete\s+from)\s+"?([\w.]+)"?/i.exec(typeof query === 'string' ? query : '');
  return match ? `${match[1]!.split(/\s+/)[0]!.toLowerCase()} ${match[2]}` : 'statement';
};

type Loggable = Record<string, unknown>;
const isQueryError = (value: Loggable) => value.name === 'DrizzleQueryError' || ('query' in value && 'params' in value);
/** node-postgres's DatabaseError: a SQLSTATE code and a severity. */
const isDatabaseError = (value: Loggable) => typeof value.code === 'string' && /^[0-9A-Z]{5}$/.test(value.code) && 'severity' in value;

/**
 * Database errors carry what users wrote: drizzle's message repeats the statement and its params
 * (post text, DIDs), and PostgreSQL's own messages and details quote the values they refused. Only
 * which statement failed and the error's code, constraint and table are kept.
 */
function summarizeDatabaseError(value: Loggable): Loggable | undefined {
  if (isQueryError(value)) return { name: value.name, statement: statementName(value.query), cause: value.cause };
  if (isDatabaseError(value)) {
    const kept: Loggable = { name: value.name };
    for (const field of ['code', 'severity', 'constraint', 'table', 'column', 'schema', 'routine']) {
      if (value[field] !== undefined) kept[field] = value[field];
    }
    return kept;
  }
  return undefined;
}

/**
 * A JSON.stringify replacer: secret keys lose their values, a JWK (anything with `kty`) its private
 * members wherever it sits, and strings their token-shaped parts and URL credentials.
 */
export const redactingReplacer = (key: string, value: unknown): unknown => {
  if (key !== '' && isSecretKey(key) && value !== undefined && value !== null) return REDACTED;
  if (value && typeof value === 'object' && !Array.isArray(value) && 'kty' in value) {
    return Object.fromEntries(
      Object.entries(value).map(([member, content]) => [member, PRIVATE_JWK_MEMBERS.has(member) ? REDACTED : content]),
    );
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const summary = summarizeDatabaseError(value as Loggable);
    if (summary) return summary;
  }
  // Errors pass through: the logger formats them into plain objects whose strings come back here.
  if (typeof value === 'string') return redactText(value);
  return value;
};
