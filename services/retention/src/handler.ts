import { resolveSecrets } from '@chronopost/lambda-kit';
import { createContext, loadConfig, makeHandler } from './app';

// Cold start: secrets from Secrets Manager (SECRET_ARNS) once, then config, context and handler.
export const handler = makeHandler(createContext(loadConfig(await resolveSecrets(process.env))));
