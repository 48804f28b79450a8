import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { METRIC_NAMES, type ServiceName } from '@chronopost/shared-schemas';
import { Fn, Op, Token } from 'cdktf';
import { Construct } from 'constructs';
import type { ServiceFunction } from './service-function';

export interface AlarmsProps {
  prefix: string;
  /** Where our EMF metrics go (`Chronopost/prod`): Powertools' namespace for this environment. */
  namespace: string;
  functions: ServiceFunction<ServiceName>[];
  deadLetterQueueName: string;
  apiId: string;
  /** An address subscribed to the topic; empty: subscribe by hand. */
  email: string;
}

/** Alarms on what matters for a scheduler, all to one SNS topic. */
export class Alarms extends Construct {
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new SnsTopic(this, 'topic', { name: `${props.prefix}-alarms` });
    new SnsTopicSubscription(this, 'email', {
      topicArn: this.topic.arn,
      protocol: 'email',
      endpoint: props.email,
      count: Token.asNumber(Fn.conditional(Op.eq(Fn.lengthOf(props.email), 0), 0, 1)),
    });
    // What most alarms share: one period above the threshold, no data is fine, both transitions notified.
    const alarm = (id: string, config: Partial<CloudwatchMetricAlarmConfig> & { alarmName: string }) =>
      new CloudwatchMetricAlarm(this, id, {
        evaluationPeriods: 1,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
        alarmActions: [this.topic.arn],
        okActions: [this.topic.arn],
        ...config,
      });
    const ours = (metricName: string, service: ServiceName) => ({
      namespace: props.namespace,
      metricName,
      dimensions: { service },
    });

    alarm('dlq-not-empty', {
      alarmName: `${props.prefix}-dlq-not-empty`,
      alarmDescription:
        'A publish message reached the dead-letter queue: the dispatcher fails its post; find the cause, then pnpm dlq:redrive',
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: props.deadLetterQueueName },
      statistic: 'Maximum',
      period: 60,
      threshold: 0,
    });

    alarm('publish-failure-rate', {
      alarmName: `${props.prefix}-publish-failure-rate`,
      alarmDescription: 'More than 5 % of publications failed over 15 minutes',
      threshold: 5,
      metricQuery: [
        { id: 'failed', metric: { ...ours(METRIC_NAMES.postsFailed, 'publisher'), period: 900, stat: 'Sum' }, returnData: false },
        { id: 'published', metric: { ...ours(METRIC_NAMES.postsPublished, 'publisher'), period: 900, stat: 'Sum' }, returnData: false },
        {
          id: 'rate',
          label: 'failed publications, %',
          expression: 'IF((FILL(failed, 0) + FILL(published, 0)) > 0, 100 * FILL(failed, 0) / (FILL(failed, 0) + FILL(published, 0)), 0)',
          returnData: true,
        },
      ],
    });

    alarm('lateness-p99', {
      alarmName: `${props.prefix}-lateness-p99`,
      alarmDescription: 'p99 of publication lateness above 5 s over 5 minutes',
      ...ours(METRIC_NAMES.publishLatenessMs, 'publisher'),
      extendedStatistic: 'p99',
      period: 300,
      threshold: 5000,
    });

    alarm('dispatcher-heartbeat', {
      alarmName: `${props.prefix}-dispatcher-heartbeat`,
      alarmDescription: 'No dispatcher tick for 5 minutes: nothing is being queued',
      ...ours(METRIC_NAMES.dispatchTicks, 'dispatcher'),
      statistic: 'Sum',
      period: 60,
      evaluationPeriods: 5,
      threshold: 1,
      comparisonOperator: 'LessThanThreshold',
      // No data is exactly the failure this alarm exists for.
      treatMissingData: 'breaching',
    });

    for (const fn of props.functions) {
      for (const metricName of ['Errors', 'Throttles']) {
        alarm(`${fn.service}-${metricName.toLowerCase()}`, {
          alarmName: `${fn.functionName}-${metricName.toLowerCase()}`,
          namespace: 'AWS/Lambda',
          metricName,
          dimensions: { FunctionName: fn.functionName },
          statistic: 'Sum',
          period: 300,
          threshold: 0,
        });
      }
    }

    alarm('api-5xx', {
      alarmName: `${props.prefix}-api-5xx`,
      alarmDescription: 'The HTTP API answered 5xx',
      namespace: 'AWS/ApiGateway',
      metricName: '5xx',
      dimensions: { ApiId: props.apiId },
      statistic: 'Sum',
      period: 300,
      threshold: 0,
    });
  }
}
