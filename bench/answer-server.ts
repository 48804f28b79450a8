import { createServer } from 'node:http';
import { createInterface } from 'node:readline';

/**
 * An HTTP server that answers every request at once with the body its parent gives (one line of
 * stdin), saying when the request arrived (`x-received-at`, ms since the epoch), in a process of
 * its own: `pnpm bench api` measures its load generator against it, for the latency the generator
 * and the machine add when the server does nothing; `pnpm bench same-second` times when its writes
 * really left. Prints its URL, then serves until its parent closes stdin.
 */
const lines = createInterface({ input: process.stdin });
const body = await new Promise<string>((resolve) => lines.once('line', resolve));
const server = createServer((request, response) => {
  const receivedAt = performance.now();
  request.resume();
  request.on('end', () => {
    // When the request arrived, on the wall clock, for a parent timing its requests' departures.
    response.writeHead(200, { 'content-type': 'application/json', 'x-received-at': String(performance.timeOrigin + receivedAt) });
    response.end(body);
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
process.stdout.write(`http://127.0.0.1:${(server.address() as { port: number }).port}\n`);
lines.once('close', () => server.close(() => process.exit(0)));
