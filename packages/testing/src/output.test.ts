import { describe, expect, it, vi } from 'vitest';
import { captureOutput, outputOf } from './output';

/* eslint-disable @typescript-eslint/unbound-method -- the tests look at the stream's `write`, never call it unbound */
const captured = () => vi.isMockFunction(process.stdout.write) || vi.isMockFunction(process.stderr.write);

describe('capturing output', () => {
  it('collects stdout and stderr in order, text and bytes alike, and prints none of it', () => {
    const output = outputOf(() => {
      process.stdout.write('out ');
      process.stderr.write(new TextEncoder().encode('err 日本'));
    });
    expect(output).toBe('out err 日本');
  });

  it('gives the streams back on restore, and when the code throws', () => {
    const held = captureOutput();
    expect(captured()).toBe(true);
    held.restore();
    expect(captured()).toBe(false);
    expect(() =>
      outputOf(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(captured()).toBe(false);
  });
});
