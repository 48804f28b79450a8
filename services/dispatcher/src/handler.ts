import { resolveSecrets } from '@chronopost/lambda-kit';
import { createContext, loadConfig, loadSecrets, makeHandler } from './app';

// Cold start: secrets from Secrets Manager (SECRET_ARNS) once, then the config and the secrets
// apart, the context and the handler.
const env = await resolveSecrets(process.env);
export const handler = makeHandler(createContext(loadConfig(env), loadSecrets(env)));
