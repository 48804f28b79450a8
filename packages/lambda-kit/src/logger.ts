import { Logger } from '@aws-lambda-powertools/logger';
import { redactingReplacer } from './redact';

export type { Logger } from '@aws-lambda-powertools/logger';
export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'CRITICAL' | 'SILENT';

/**
 * A structured JSON logger for one service. Redaction lives here, in the logger itself, so no call
 * site can forget it: secret keys and token-shaped strings never reach the output.
 */
export function createLogger(serviceName: string, logLevel: LogLevel = 'INFO'): Logger {
  return new Logger({
    serviceName,
    logLevel,
    jsonReplacerFn: redactingReplacer,
  });
}
