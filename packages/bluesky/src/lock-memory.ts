import type { Lock } from './lock';

/** An in-process lock, for unit tests of logic that needs a Lock; production uses lock-dynamodb. */
export function createMemoryLock(): Lock {
  const tails = new Map<string, Promise<unknown>>();
  return {
    async run(name, work) {
      const previous = tails.get(name) ?? Promise.resolve();
      let release!: () => void;
      const mine = new Promise<void>((resolve) => (release = resolve));
      const tail = previous.then(() => mine);
      tails.set(name, tail);
      await previous;
      try {
        return await work();
      } finally {
        release();
        if (tails.get(name) === tail) tails.delete(name);
      }
    },
  };
}
