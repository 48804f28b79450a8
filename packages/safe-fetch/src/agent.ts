import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { addressProblem } from './address';
import { SafeFetchError } from './errors';

/** A DNS lookup with the shape `net.connect` calls (always asked for every address here). */
export type Lookup = (
  hostname: string,
  options: { all: true; family?: number | 'IPv4' | 'IPv6' },
  callback: (error: Error | null, addresses: LookupAddress[]) => void,
) => void;

const systemLookup: Lookup = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/**
 * A lookup that refuses a name if any of its addresses is not public unicast. Refusing rather
 * than filtering: a name that points at both the internet and this machine is an attack, not a
 * misconfiguration worth working around.
 */
function checkedLookup(resolve: Lookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { all: true, ...(options.family ? { family: options.family } : {}) }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.map((entry) => ({ entry, problem: addressProblem(entry.address) })).find((check) => check.problem);
      if (refused || addresses.length === 0) {
        const reason = refused ? `resolves to a ${refused.problem} (${refused.entry.address})` : 'has no address';
        return callback(new SafeFetchError('blocked_address', `${hostname} ${reason}.`), '', 0);
      }
      if (options.all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/**
 * An undici Agent that only ever talks to public addresses. Names are resolved by a lookup that
 * refuses private answers, and then the address the socket actually connected to is checked
 * again: that second check also covers IP literals, for which Node calls no lookup at all, and
 * anything that bypasses the lookup.
 */
export function createCheckedAgent(options: { lookup?: Lookup; connectTimeoutMs: number }): Agent {
  const connector = buildConnector({ lookup: checkedLookup(options.lookup ?? systemLookup), timeout: options.connectTimeoutMs });
  return new Agent({
    connect: (connectOptions, callback) =>
      connector(connectOptions, (error, socket) => {
        if (error || !socket) return callback(error ?? new Error('no socket'), null);
        const problem = socket.remoteAddress ? addressProblem(socket.remoteAddress) : 'unknown address';
        if (problem) {
          socket.destroy();
          return callback(new SafeFetchError('blocked_address', `${connectOptions.hostname} is a ${problem}.`), null);
        }
        callback(null, socket);
      }),
  });
}
