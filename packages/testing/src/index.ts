export * from './aws';
export * from './database';
export * from './environment';
export * from './events';
export * from './names';
export * from './oauth-consent';
export { createPdsAccount, type PdsAccount } from '@chronopost/local';
export * from './kms-server';
