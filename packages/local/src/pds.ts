import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { mkdir, rm } from 'node:fs/promises';
import { AtpAgent } from '@atproto/api';

export interface DevPds {
  /** The PDS's own URL (also its OAuth issuer in dev mode). */
  url: string;
  plcUrl: string;
  /** Its HTTP server (benchmarks watch the requests it answers). */
  httpServer: Server | undefined;
  close(): Promise<void>;
}

/** Runs `start` with TMPDIR at `dataDir`: dev-env puts a PDS's SQLite data under `os.tmpdir()`. */
async function inDataDir<T>(dataDir: string, start: () => Promise<T>): Promise<T> {
  await mkdir(dataDir, { recursive: true });
  const previousTmp = process.env.TMPDIR;
  process.env.TMPDIR = dataDir;
  try {
    return await start();
  } finally {
    if (previousTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmp;
  }
}

/**
 * Starts a real AT Protocol PDS with its PLC directory from `@atproto/dev-env`. Its SQLite data
 * lives under `os.tmpdir()`, so TMPDIR is pointed at `dataDir` while it is created.
 */
export async function startDevPds(options: {
  dataDir: string;
  pdsPort?: number;
  plcPort?: number;
  blobUploadLimit?: number;
}): Promise<DevPds> {
  return inDataDir(options.dataDir, async () => {
    const { TestNetworkNoAppView } = await import('@atproto/dev-env');
    // Unset keys must be left out: `port: undefined` overrides the package's own default.
    const network = await TestNetworkNoAppView.create({
      pds: {
        ...(options.pdsPort ? { port: options.pdsPort } : {}),
        ...(options.blobUploadLimit ? { blobUploadLimit: options.blobUploadLimit } : {}),
      },
      plc: options.plcPort ? { port: options.plcPort } : {},
    });
    return {
      url: network.pds.url,
      plcUrl: network.plc.url,
      httpServer: network.pds.server.server,
      close: async () => {
        await network.close();
        await rm(options.dataDir, { recursive: true, force: true });
      },
    };
  });
}

/** A PLC directory alone, for several PDSes to share (accounts spread over hosts, as in reality). */
export async function startDevPlc(): Promise<{ url: string; close(): Promise<void> }> {
  const { TestPlc } = await import('@atproto/dev-env');
  const plc = await TestPlc.create({});
  return { url: plc.url, close: () => plc.close() };
}

/** A PDS alone, registered with the PLC directory at `plcUrl`; its data under `dataDir`. */
export async function startDevPdsOn(options: { dataDir: string; plcUrl: string }): Promise<DevPds> {
  return inDataDir(options.dataDir, async () => {
    const { TestPds } = await import('@atproto/dev-env');
    const pds = await TestPds.create({ didPlcUrl: options.plcUrl });
    return {
      url: pds.url,
      plcUrl: options.plcUrl,
      httpServer: pds.server.server,
      close: async () => {
        await pds.close();
        await rm(options.dataDir, { recursive: true, force: true });
      },
    };
  });
}

export interface PdsAccount {
  did: string;
  handle: string;
  password: string;
  accessJwt: string;
}

/** Creates an account on a dev PDS (handles end in `.test`). */
export async function createPdsAccount(pdsUrl: string, options: { handle?: string; password?: string } = {}): Promise<PdsAccount> {
  const handle = options.handle ?? `u${randomBytes(5).toString('hex')}.test`;
  const password = options.password ?? randomBytes(12).toString('base64url');
  const agent = new AtpAgent({ service: pdsUrl });
  const created = await agent.createAccount({ handle, password, email: `${handle.split('.')[0]}@chronopost.test` });
  return { did: created.data.did, handle: created.data.handle, password, accessJwt: created.data.accessJwt };
}
