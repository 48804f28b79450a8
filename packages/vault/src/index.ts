export * from './master-key-file';
