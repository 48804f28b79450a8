export * as tables from './schema';
export * from './schema';
export * from './connection';
export * from './migrations';
export * from './health';
export * from './repositories/posts';
export * from './repositories/sessions';
