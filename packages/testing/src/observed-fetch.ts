import type { PreparingFetch } from '@chronopost/bluesky';

const pathOf = (input: string | URL | Request) => new URL(input instanceof Request ? input.url : input).pathname;

/**
 * `base` as it is, `prepare` included (so a held request is still made ahead and sent later),
 * calling `observe` with the path and the answer of every request it sends: for tests and benches
 * that watch what a real fetch did, and when.
 */
export function observedFetch(base: PreparingFetch, observe: (path: string, response: Response) => void): PreparingFetch {
  const seen = (path: string, response: Response) => {
    observe(path, response);
    return response;
  };
  const { prepare } = base;
  return Object.assign(async (input: string | URL | Request, init?: RequestInit) => seen(pathOf(input), await base(input, init)), {
    ...(prepare && {
      prepare: async (input: string | URL | Request, init?: RequestInit) => {
        const prepared = await prepare(input, init);
        return { send: async () => seen(pathOf(input), await prepared.send()), discard: prepared.discard };
      },
    }),
  });
}
