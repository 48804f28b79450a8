export * from './oauth-client';
export * from './session-ended';
export * from './session-services';
export * from './session-store-postgres';
