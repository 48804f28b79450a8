import * as z from 'zod';
import { logLevelField } from './fields';

/**
 * The command-line scripts' own variables, read through these schemas like the services' (the
 * database script, `pnpm db:migrate`, takes `databaseConfigSchema` from common.ts).
 */

/**
 * `pnpm build` and the web app's Vite config: the API's public address, written into the page
 * (none: the app calls its own origin). Trailing slashes are dropped.
 */
export const webBuildEnvSchema = z.object({
  CHRONOPOST_API_URL: z
    .string()
    .trim()
    .transform((value) => value.replace(/\/+$/, ''))
    .refine((value) => value === '' || /^https?:\/\/[^\s"<>]+$/.test(value), 'must be an http(s) URL: the API’s public address')
    .optional(),
});
export const webBuildConfigSchema = webBuildEnvSchema.transform((env) => ({ apiUrl: env.CHRONOPOST_API_URL || undefined }));
export type WebBuildConfig = z.output<typeof webBuildConfigSchema>;

/**
 * `pnpm dlq:redrive`: with DATABASE_URL set, the environment holds the dispatcher's variables;
 * without it they come from the running local runtime's file in CHRONOPOST_HOME.
 */
export const redriveEnvSchema = z.object({
  DATABASE_URL: z.string().optional(),
  CHRONOPOST_HOME: z.string().default('.chronopost'),
  LOG_LEVEL: logLevelField,
  AWS_ACCESS_KEY_ID: z.string().optional(),
  AWS_SECRET_ACCESS_KEY: z.string().optional(),
});
export const redriveConfigSchema = redriveEnvSchema.transform((env) => ({
  /** Whether the dispatcher's variables are in this environment (else in the local runtime's file). */
  fromEnvironment: env.DATABASE_URL !== undefined,
  home: env.CHRONOPOST_HOME,
  logLevel: env.LOG_LEVEL,
  credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
}));
export type RedriveConfig = z.output<typeof redriveConfigSchema>;
