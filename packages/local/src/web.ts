import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { listen } from './ports';
import { IMMUTABLE_CACHE, IMMUTABLE_PREFIX, webSecurityHeaders } from '@chronopost/web/build';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
};

export interface WebServerOptions {
  host: string;
  port: number;
  /** A build of the web app (`dist/web`, or the local build `pnpm dev` keeps in node_modules/.cache). */
  directory: string;
  /** The API the page calls: written into the page's `chronopost-api-url` meta tag. */
  apiUrl: string;
  /** Other origins the page may call (local S3, the demo PDS), added to its Content-Security-Policy. */
  connect?: string[];
}

export interface WebServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const escapeAttribute = (value: string) => value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');

/**
 * Serves the built web app on its own origin, as Cloudflare Pages does: files as they are, hashed
 * assets cached for good, any other path answered with the app (client-side routes), the same
 * security headers. The one difference: the page is told which API to call, so one build serves
 * any local run.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const root = normalize(options.directory);
  const headers = webSecurityHeaders({ connect: [options.apiUrl, ...(options.connect ?? [])] });
  // Re-read when the build changes under a running server (a rebuild swaps the directory).
  let indexHtml: { mtimeMs: number; html: string } | undefined;
  const page = async () => {
    const file = join(root, 'index.html');
    const { mtimeMs } = await stat(file);
    if (indexHtml?.mtimeMs !== mtimeMs) {
      const html = (await readFile(file, 'utf8')).replace(
        /(<meta name="chronopost-api-url" content=")[^"]*(")/,
        `$1${escapeAttribute(options.apiUrl)}$2`,
      );
      indexHtml = { mtimeMs, html };
    }
    return indexHtml.html;
  };

  const server = createServer((request, response) => {
    void (async () => {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { allow: 'GET, HEAD', ...headers });
        response.end();
        return;
      }
      let path: string;
      try {
        path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
      } catch {
        response.writeHead(400, headers);
        response.end();
        return;
      }
      const file = normalize(join(root, path));
      const inside = file.startsWith(root + sep) && !path.includes('\0');
      const found = inside && path !== '/index.html' ? await stat(file).catch(() => undefined) : undefined;
      if (found?.isFile()) {
        response.writeHead(200, {
          ...headers,
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'content-length': String(found.size),
          'cache-control': path.startsWith(IMMUTABLE_PREFIX) ? IMMUTABLE_CACHE : 'no-cache',
        });
        if (request.method === 'HEAD') response.end();
        else createReadStream(file).pipe(response);
        return;
      }
      if (path.startsWith(IMMUTABLE_PREFIX) || extname(path) !== '') {
        // A missing file is a 404, not the app: a stale chunk must fail loudly, not parse HTML.
        response.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
        response.end('Not found');
        return;
      }
      const body = await page();
      response.writeHead(200, { ...headers, 'content-type': TYPES['.html']!, 'cache-control': 'no-cache' });
      response.end(request.method === 'HEAD' ? undefined : body);
    })().catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  const port = await listen(server, options.host, options.port);
  return {
    url: `http://${options.host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
