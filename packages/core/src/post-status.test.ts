import { describe, expect, it } from 'vitest';
import { canTransition, isTerminal, POST_STATUSES } from './post-status';

describe('post lifecycle', () => {
  it('follows the happy path draft → scheduled → queued → publishing → published', () => {
    expect(canTransition('draft', 'scheduled')).toBe(true);
    expect(canTransition('scheduled', 'queued')).toBe(true);
    expect(canTransition('queued', 'publishing')).toBe(true);
    expect(canTransition('publishing', 'published')).toBe(true);
  });

  it('never leaves published or cancelled', () => {
    for (const to of POST_STATUSES) {
      expect(canTransition('published', to)).toBe(false);
      expect(canTransition('cancelled', to)).toBe(false);
    }
    expect(isTerminal('published')).toBe(true);
    expect(isTerminal('failed')).toBe(false);
  });

  it('cannot cancel work that is being published', () => {
    expect(canTransition('publishing', 'cancelled')).toBe(false);
  });

  it('lets a user retry failed, missed and blocked posts', () => {
    expect(canTransition('failed', 'scheduled')).toBe(true);
    expect(canTransition('missed', 'scheduled')).toBe(true);
    expect(canTransition('blocked', 'scheduled')).toBe(true);
  });
});
