import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent as HttpAgent, type AgentOptions } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
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
 * The address a socket connected to is checked before the request is written to it: this listener
 * is added when the socket is created, so it runs before the one that flushes the request. (For
 * https the TLS handshake's first message, which names the host, has gone out by then; no byte of
 * the request has.) It also covers IP literals, for which Node calls no lookup at all, and
 * anything else that bypasses the lookup.
 */
function checkOnConnect(socket: Duplex, hostname: string): Duplex {
  socket.once('connect', () => {
    const remote = (socket as Socket).remoteAddress;
    const problem = remote ? addressProblem(remote) : 'unknown address';
    if (problem) socket.destroy(new SafeFetchError('blocked_address', `${hostname} is a ${problem}.`));
  });
  return socket;
}

/** Connection pools (keep-alive) for http and https, as `http.request`'s `agent` option takes them. */
export interface Agents {
  http: HttpAgent;
  https: HttpsAgent;
  close(): void;
}

// Sockets are reused between requests to one origin (a PDS answers several per publication).
const KEEP_ALIVE: AgentOptions = { keepAlive: true };

type CreateConnection = (options: { host?: string | null }, callback?: unknown) => Duplex;

/**
 * Node's own HTTP agents (no client library to load at cold start) that only ever talk to
 * public addresses: names go through a lookup that refuses private answers, then the address
 * actually connected to is checked again.
 */
export function createCheckedAgents(options: { lookup?: Lookup } = {}): Agents {
  const lookup = checkedLookup(options.lookup ?? systemLookup);
  const http = new HttpAgent(KEEP_ALIVE);
  const https = new HttpsAgent(KEEP_ALIVE);
  for (const agent of [http, https]) {
    const agentWithConnect = agent as unknown as { createConnection: CreateConnection };
    const create = agentWithConnect.createConnection.bind(agent);
    agentWithConnect.createConnection = (connectOptions, callback) =>
      checkOnConnect(create({ ...connectOptions, lookup } as typeof connectOptions, callback), connectOptions.host ?? '');
  }
  return { http, https, close: () => (http.destroy(), https.destroy()) };
}

/** Plain keep-alive agents, for the configured origins that are private on purpose (a local PDS). */
export function createPlainAgents(): Agents {
  const http = new HttpAgent(KEEP_ALIVE);
  const https = new HttpsAgent(KEEP_ALIVE);
  return { http, https, close: () => (http.destroy(), https.destroy()) };
}
