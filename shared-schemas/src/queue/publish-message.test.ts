import { describe, expect, it } from 'vitest';
import { publisherMessageSchema, publishMessageSchema } from './publish-message';

const valid = {
  postId: '7f1c7a2e-1a43-4b0b-9d7a-0c2b8c1f7e11',
  action: 'publish',
  attempt: 1,
  requestedAt: '2026-11-22T12:00:00.000Z',
  scheduledAt: '2026-11-22T12:01:00+01:00',
};

describe('publish message', () => {
  it('accepts a well-formed message', () => {
    expect(publishMessageSchema.parse(valid)).toEqual(valid);
  });

  it.each([
    ['postId', { postId: 'not-a-uuid' }],
    ['action', { action: 'delete' }],
    ['attempt', { attempt: 0 }],
    ['attempt', { attempt: 1.5 }],
    ['scheduledAt', { scheduledAt: 'tomorrow' }],
    ['requestedAt', { requestedAt: undefined }],
  ])('rejects a bad %s', (field, change) => {
    const result = publishMessageSchema.safeParse({ ...valid, ...change });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path[0])).toContain(field);
  });
});

describe('publisher message', () => {
  it('is a publish message or a request to prepare a video, told apart by action', () => {
    const prepare = { postId: valid.postId, action: 'prepare_video', requestedAt: valid.requestedAt };
    expect(publisherMessageSchema.parse(prepare)).toEqual(prepare);
    expect(publisherMessageSchema.parse(valid)).toEqual(valid);
    expect(publisherMessageSchema.safeParse({ ...prepare, postId: 'x' }).success).toBe(false);
    expect(publisherMessageSchema.safeParse({ ...prepare, action: 'prepare' }).success).toBe(false);
  });
});
