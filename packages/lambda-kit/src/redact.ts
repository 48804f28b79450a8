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

/** Scrubs token-shaped substrings from free text. */
export const redactText = (text: string): string =>
  SECRET_VALUE_PATTERNS.reduce(
    (current, pattern) =>
      current.replace(pattern, (match, name?: string) =>
        typeof name === 'string' && match.includes('=') ? `${name}=${REDACTED}` : REDACTED,
      ),
    text,
  );

/** A JSON.stringify replacer: secret keys lose their values, strings lose token-shaped parts. */
export const redactingReplacer = (key: string, value: unknown): unknown => {
  if (key !== '' && isSecretKey(key) && value !== undefined && value !== null) return REDACTED;
  // Errors pass through: the logger formats them into plain objects whose strings come back here.
  if (typeof value === 'string') return redactText(value);
  return value;
};
