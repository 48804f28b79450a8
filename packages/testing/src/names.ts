import { randomBytes } from 'node:crypto';

/** A name no other test file (or run) will pick: for databases, queues, buckets, tables. */
export const uniqueName = (prefix: string): string => `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
