export * from './errors';
export * from './error-response';
export * from './events';
export * from './http';
export * from './logger';
export * from './redact';
export * from './validation';
export * from './aws';
