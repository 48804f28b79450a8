export * from './lock';
export * from './lock-dynamodb';
export * from './lock-memory';
export * from './oauth-client';
export * from './session-store-postgres';
export * from './state-store-dynamodb';
export * from './profile';
export * from './facets';
