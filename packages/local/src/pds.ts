import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { AtpAgent } from '@atproto/api';

export interface DevPds {
  /** The PDS's own URL (also its OAuth issuer in dev mode). */
  url: string;
  plcUrl: string;
  close(): Promise<void>;
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
  await mkdir(options.dataDir, { recursive: true });
  const previousTmp = process.env.TMPDIR;
  process.env.TMPDIR = options.dataDir;
  try {
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
      close: async () => {
        await network.close();
        await rm(options.dataDir, { recursive: true, force: true });
      },
    };
  } finally {
    if (previousTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmp;
  }
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
