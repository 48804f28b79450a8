import { readFileSync } from 'node:fs';
import { POST_COMMAND_NAMES, POST_COMMANDS, POST_STATUSES } from '@chronopost/core';
import { describe, expect, it } from 'vitest';

/**
 * docs/architecture.md draws the post state machine once, with a table of every command; the
 * table must say what `POST_COMMANDS` in core says, so the picture cannot drift from the code.
 */
const doc = readFileSync(new URL('../docs/architecture.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('## The post lifecycle'), doc.indexOf('## Dispatch and publish'));
const statusesIn = (cell: string) => POST_STATUSES.filter((status) => new RegExp(`\\b${status}\\b`).test(cell)).sort();
const rows = new Map(
  section
    .split('\n')
    .filter((line) => /^\| [a-z]+ \|/.test(line) && !line.startsWith('| command |'))
    .map((line) => line.split('|').map((cell) => cell.trim()))
    .map(([, command, from, to]) => [command!, { from: statusesIn(from!), to: statusesIn(to!) }]),
);

describe('the post lifecycle in docs/architecture.md', () => {
  it('has a row for every command of core, and no other', () => {
    expect([...rows.keys()].sort()).toEqual([...POST_COMMAND_NAMES].sort());
  });

  it.each(POST_COMMAND_NAMES.map((name) => [name]))('%s: the statuses it accepts and produces are core’s', (name) => {
    expect(rows.get(name)).toEqual({ from: [...POST_COMMANDS[name].from].sort(), to: [...POST_COMMANDS[name].to].sort() });
  });

  it('names every status in the drawing', () => {
    const drawing = section.slice(section.indexOf('```'), section.lastIndexOf('```'));
    expect(POST_STATUSES.filter((status) => !drawing.includes(status))).toEqual([]);
  });
});
