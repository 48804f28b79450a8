import { createServer } from 'node:http';
import { createInterface } from 'node:readline';

/**
 * An HTTP server that answers every request at once with the body its parent gives (one line of
 * stdin), in a process of its own: `pnpm bench api` measures its load generator against it, for
 * the latency the generator and the machine add when the server does nothing. Prints its URL,
 * then serves until its parent closes stdin.
 */
const lines = createInterface({ input: process.stdin });
const body = await new Promise<string>((resolve) => lines.once('line', resolve));
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(body);
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
process.stdout.write(`http://127.0.0.1:${(server.address() as { port: number }).port}\n`);
lines.once('close', () => server.close(() => process.exit(0)));
