import { createServer, type Server } from 'node:net';

/** A start-up problem the user can fix; the message says what to change. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** Fails with a clear message when `port` is taken, instead of a stand-in's cryptic EADDRINUSE. */
export async function assertPortFree(host: string, port: number, variable: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new StartupError(
          error.code === 'EADDRINUSE'
            ? `${variable}: port ${port} is already in use on ${host}. Stop what uses it or set ${variable} to a free port.`
            : `${variable}: cannot listen on ${host}:${port} (${error.code ?? error.message}).`,
        ),
      );
    });
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve()));
  });
}

/** A port the OS considers free right now (for tests and throwaway servers). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port: 0 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `server` listening; resolves with the port it got (the one asked for, or the OS's pick for 0). */
export async function listen(server: Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}
