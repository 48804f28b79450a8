import { describe, expect, it } from 'vitest';
import { ensureWebBuild, formatKb, report } from '../build';

/** The budget: JavaScript loaded before a first screen is usable (calendar excluded), gzipped. */
const BUDGET_BYTES = 80_000;

describe('initial JavaScript of the web app', () => {
  it('stays within 80 kB gzipped on every first screen', async () => {
    // The global setup has built the app already; this only checks the build is current.
    const { outDir } = await ensureWebBuild();
    const { initial, chunks } = await report(outDir);
    // The composer's screens must really count the composer (and the Japanese dictionary).
    expect(initial.composer.files.some((file) => /compose-page-[\w-]+\.js$/.test(file))).toBe(true);
    expect(initial.composerJapanese.files.some((file) => /\/ja-[\w-]+\.js$/.test(file))).toBe(true);
    const sizes = Object.fromEntries(Object.entries(initial).map(([screen, { gzipBytes }]) => [screen, gzipBytes]));
    for (const [screen, bytes] of Object.entries(sizes)) {
      expect(bytes, `${screen}: ${formatKb(bytes)} (${chunks.length} chunks)`).toBeLessThanOrEqual(BUDGET_BYTES);
    }
  }, 120_000);
});
