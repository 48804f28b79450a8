import { METRIC_NAMES } from '@chronopost/shared-schemas';
import { describe, expect, it } from 'vitest';
import { collectMetrics, createMetrics } from './metrics';

describe('service metrics', () => {
  it('writes what was recorded as one CloudWatch EMF line, with the service dimension', () => {
    const sink = collectMetrics();
    const metrics = createMetrics({ service: 'publisher', namespace: 'Chronopost/test', write: sink.write });
    metrics.count(METRIC_NAMES.postsPublished);
    metrics.milliseconds(METRIC_NAMES.publishLatenessMs, 120);
    metrics.milliseconds(METRIC_NAMES.publishLatenessMs, 80);
    metrics.flush();
    expect(sink.lines).toHaveLength(1);
    const emf = JSON.parse(sink.lines[0]!) as Record<string, unknown> & {
      _aws: {
        Timestamp: number;
        CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
      };
    };
    expect(emf._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'Chronopost/test',
        Dimensions: [['service']],
        Metrics: [
          { Name: 'PostsPublished', Unit: 'Count' },
          { Name: 'PublishLatenessMs', Unit: 'Milliseconds' },
        ],
      },
    ]);
    expect(emf).toMatchObject({ service: 'publisher', PostsPublished: 1, PublishLatenessMs: [120, 80] });
    expect(Math.abs(emf._aws.Timestamp - Date.now())).toBeLessThan(10_000);
    expect(sink.values(METRIC_NAMES.publishLatenessMs)).toEqual([120, 80]);
  });

  it('starts afresh after a flush, and writes nothing when nothing was recorded', () => {
    const sink = collectMetrics();
    const metrics = createMetrics({ service: 'dispatcher', namespace: 'Chronopost/test', write: sink.write });
    metrics.flush();
    expect(sink.lines).toEqual([]);
    metrics.count(METRIC_NAMES.dispatchTicks);
    metrics.flush();
    metrics.count(METRIC_NAMES.dispatchTicks);
    metrics.count(METRIC_NAMES.postsDispatched, 3);
    metrics.flush();
    expect(sink.lines).toHaveLength(2);
    expect(sink.values(METRIC_NAMES.dispatchTicks)).toEqual([1, 1]);
    expect(sink.values(METRIC_NAMES.postsDispatched)).toEqual([3]);
  });
});
