export * from './post-status';
export * from './session-state';
export * from './late-policy';
export * from './session-end';
