import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';
import { pagesHeadersFile } from './build/headers';

/**
 * The API's base URL goes into index.html at build time (`CHRONOPOST_API_URL`, from the
 * infrastructure's outputs for Pages). A server may rewrite that one meta tag when it serves the
 * page (the local runtime does), so one build runs against any API without rebuilding.
 */
function apiUrlMeta(): Plugin {
  // Read here, not through loadWebBuildConfig: Vite bundles this file with every package import left
  // external, and Node cannot load shared-schemas' TypeScript sources. `pnpm build` has checked the
  // value with the config loader already (buildWeb sets it for this child process); this keeps the
  // same rule for a `vite build` run by hand.
  const apiUrl = (process.env.CHRONOPOST_API_URL ?? '').trim().replace(/\/+$/, '');
  if (apiUrl && !/^https?:\/\/[^\s"<>]+$/.test(apiUrl)) throw new Error(`CHRONOPOST_API_URL is not an http(s) URL: ${apiUrl}`);
  return {
    name: 'chronopost-api-url',
    transformIndexHtml: (html) => html.replace('%CHRONOPOST_API_URL%', apiUrl),
    // Pages applies `_headers`: the security headers, allowing calls to this API.
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: '_headers', source: pagesHeadersFile({ connect: apiUrl ? [apiUrl] : [] }) });
    },
  };
}

export default defineConfig({
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false }), apiUrlMeta()],
  resolve: {
    // The facet detector needs only graphemeLen from this package (see the file for why).
    alias: { '@atproto/common-web': fileURLToPath(new URL('./src/compose/grapheme-length.ts', import.meta.url)) },
  },
  build: {
    // The manifest lets the build report which chunks the first screen loads.
    manifest: true,
    sourcemap: true,
    emptyOutDir: true,
    // Browsers of the last years; Temporal is polyfilled on demand where missing.
    target: 'es2022',
  },
});
