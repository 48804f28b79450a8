import { describe, expect, it } from 'vitest';
import { MAX_VIDEO_DURATION_SECONDS, type VideoProbe, videoPathFor, videoProblem } from './video';

describe('videoPathFor', () => {
  const hosts = ['bsky.network', 'bsky.social'];

  it.each([
    ['https://morel.us-east.host.bsky.network', 'video_service'],
    ['https://bsky.social', 'video_service'],
    ['https://BSKY.SOCIAL/', 'video_service'],
    ['https://pds.example.com', 'direct'],
    // A host that merely ends with the same letters is not below it.
    ['https://evilbsky.network', 'direct'],
    ['not a url', 'direct'],
  ])('%s takes the %s path', (url, path) => {
    expect(videoPathFor(url, hosts)).toBe(path);
  });

  it('sends every PDS to the video service with *, none with an empty list', () => {
    expect(videoPathFor('https://pds.example.com', ['*'])).toBe('video_service');
    expect(videoPathFor('https://bsky.social', [])).toBe('direct');
  });
});

describe('videoProblem', () => {
  const good: VideoProbe = { mime: 'video/mp4', durationSeconds: 12, width: 1080, height: 1920, codec: 'avc1' };

  it('takes a short H.264 MP4 on either path', () => {
    expect(videoProblem(good, 'video_service')).toBeUndefined();
    expect(videoProblem(good, 'direct')).toBeUndefined();
  });

  it('takes exactly the longest duration, refuses a frame more', () => {
    expect(videoProblem({ ...good, durationSeconds: MAX_VIDEO_DURATION_SECONDS }, 'direct')).toBeUndefined();
    expect(videoProblem({ ...good, durationSeconds: MAX_VIDEO_DURATION_SECONDS + 0.04 }, 'direct')).toBe('video_too_long');
  });

  it.each([
    [{ codec: undefined }, 'no_video_track'],
    [{ width: 0 }, 'damaged'],
    [{ durationSeconds: 0 }, 'damaged'],
    [{ codec: 'mp4v' }, 'unsupported_codec'],
  ] as const)('refuses %o as %s', (change, reason) => {
    expect(videoProblem({ ...good, ...change }, 'video_service')).toBe(reason);
  });

  it('a HEVC video or a QuickTime file needs the video service (a direct upload is posted as it is)', () => {
    expect(videoProblem({ ...good, codec: 'hvc1' }, 'video_service')).toBeUndefined();
    expect(videoProblem({ ...good, codec: 'hvc1' }, 'direct')).toBe('needs_video_service');
    expect(videoProblem({ ...good, mime: 'video/quicktime' }, 'video_service')).toBeUndefined();
    expect(videoProblem({ ...good, mime: 'video/quicktime' }, 'direct')).toBe('needs_video_service');
  });
});
