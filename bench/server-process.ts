import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export interface ServerProcess {
  /** The first line the server printed: its URL or endpoint. */
  url: string;
  process: ChildProcessByStdio<Writable, Readable, null>;
  /** Closes its stdin (the servers' signal to stop) and resolves when it has exited. */
  stop(): Promise<void>;
}

/**
 * One of the benches' servers (`answer-server.ts`, `pds-server.ts`, `sqs-server.ts`) in a process
 * of its own, so its CPU and event loop are not the measured process's. Gives it `input` on stdin
 * if any, resolves with the address it prints first.
 */
export async function startServerProcess(
  script: string,
  options: { env?: Record<string, string>; input?: string } = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, script)], {
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  if (options.input !== undefined) child.stdin.write(`${options.input}\n`);
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return {
    url,
    process: child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      await exited;
    },
  };
}
