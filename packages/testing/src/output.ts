import { vi } from 'vitest';

const decode = (chunk: string | Uint8Array) => (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));

/**
 * Captures what the process writes to stdout and stderr (our loggers write warnings and errors to
 * stderr, the rest to stdout) instead of printing it, until `restore()`: for tests that read the
 * logs, such as "no secret is ever logged".
 */
export function captureOutput(): { text: () => string; restore: () => void } {
  const chunks: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    chunks.push(decode(chunk));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  return {
    text: () => chunks.join(''),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

/** What `run` writes to stdout and stderr, captured as by `captureOutput`. */
export function outputOf(run: () => void): string {
  const output = captureOutput();
  try {
    run();
  } finally {
    output.restore();
  }
  return output.text();
}
