import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricName, ServiceName } from '@chronopost/shared-schemas';

/** A service's metrics: recorded during an invocation, written as one EMF line by `flush`. */
export interface ServiceMetrics {
  count(name: MetricName, value?: number): void;
  milliseconds(name: MetricName, value: number): void;
  /** Writes what was recorded since the last flush as one CloudWatch EMF line; nothing if nothing was. */
  flush(): void;
}

/** Where EMF lines go: stdout in Lambda (CloudWatch extracts the metrics), a file or memory locally. */
export type MetricsWriter = (line: string) => void;

export const stdoutMetricsWriter: MetricsWriter = (line) => {
  process.stdout.write(`${line}\n`);
};

/**
 * Powertools Metrics (Embedded Metric Format) for one service, with the `service` dimension the
 * alarms read. The EMF line is the same in AWS and locally; only where it is written differs.
 */
export function createMetrics(options: { service: ServiceName; namespace: string; write?: MetricsWriter }): ServiceMetrics {
  const metrics = new Metrics({ namespace: options.namespace, serviceName: options.service });
  const write = options.write ?? stdoutMetricsWriter;
  let recorded = 0;
  return {
    count: (name, value = 1) => {
      metrics.addMetric(name, MetricUnit.Count, value);
      recorded++;
    },
    milliseconds: (name, value) => {
      metrics.addMetric(name, MetricUnit.Milliseconds, value);
      recorded++;
    },
    flush: () => {
      if (recorded === 0) return;
      recorded = 0;
      const line = JSON.stringify(metrics.serializeMetrics());
      metrics.clearMetrics();
      write(line);
    },
  };
}

/** A writer that keeps EMF lines in memory (tests, benches): each line parsed back into name → values. */
export function collectMetrics(): { write: MetricsWriter; lines: string[]; values(name: MetricName): number[] } {
  const lines: string[] = [];
  return {
    write: (line) => lines.push(line),
    lines,
    values: (name) =>
      lines.flatMap((line) => {
        const value = (JSON.parse(line) as Record<string, unknown>)[name];
        return value === undefined ? [] : Array.isArray(value) ? (value as number[]) : [value as number];
      }),
  };
}
