import { startDevPdsOn } from '@chronopost/local';

/**
 * A dev PDS in a process of its own (for `pnpm bench lateness`), registered with the PLC directory
 * at PLC_URL, its data in DATA_DIR: real accounts live on many hosts, each with its own event loop
 * and disk. Prints its URL, then serves until its parent closes stdin.
 */
const pds = await startDevPdsOn({ dataDir: process.env.DATA_DIR!, plcUrl: process.env.PLC_URL! });
process.stdout.write(`${pds.url}\n`);
process.stdin.resume();
process.stdin.on('end', () => void pds.close().then(() => process.exit(0)));
