export * from './keyring';
export * from './keyring-kms';
export * from './keyring-local';
export * from './master-key-file';
export * from './vault';
export * from './keyring-configured';
