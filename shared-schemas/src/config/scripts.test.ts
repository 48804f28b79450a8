import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './parse';
import { redriveConfigSchema, webBuildConfigSchema } from './scripts';

describe('the web build’s configuration', () => {
  it('takes the API’s address without trailing slashes, and none when unset or blank', () => {
    expect(parseConfig(webBuildConfigSchema, { CHRONOPOST_API_URL: ' https://api.example.com// ' })).toEqual({
      apiUrl: 'https://api.example.com',
    });
    expect(parseConfig(webBuildConfigSchema, {})).toEqual({ apiUrl: undefined });
    expect(parseConfig(webBuildConfigSchema, { CHRONOPOST_API_URL: '   ' })).toEqual({ apiUrl: undefined });
  });

  it('refuses an address that is not http(s), naming the variable', () => {
    expect(() => parseConfig(webBuildConfigSchema, { CHRONOPOST_API_URL: 'ftp://api.example.com' })).toThrow(ConfigError);
    expect(() => parseConfig(webBuildConfigSchema, { CHRONOPOST_API_URL: 'https://a b' })).toThrow(
      /CHRONOPOST_API_URL must be an http\(s\) URL/,
    );
  });
});

describe('the redrive script’s configuration', () => {
  it('reads the dispatcher’s variables from this environment when DATABASE_URL is set, else from the local runtime', () => {
    expect(parseConfig(redriveConfigSchema, { DATABASE_URL: 'postgres://x@h/db' })).toMatchObject({ fromEnvironment: true });
    expect(parseConfig(redriveConfigSchema, { DATABASE_URL: '' })).toEqual({
      fromEnvironment: false,
      home: '.chronopost',
      logLevel: 'INFO',
      credentials: { accessKeyId: undefined, secretAccessKey: undefined },
    });
    expect(parseConfig(redriveConfigSchema, { CHRONOPOST_HOME: '/tmp/cp', LOG_LEVEL: 'DEBUG', AWS_ACCESS_KEY_ID: 'k' })).toMatchObject({
      home: '/tmp/cp',
      logLevel: 'DEBUG',
      credentials: { accessKeyId: 'k' },
    });
  });

  it('refuses an unknown log level, naming the variable', () => {
    expect(() => parseConfig(redriveConfigSchema, { LOG_LEVEL: 'LOUD' })).toThrow(/LOG_LEVEL must be one of/);
  });
});
