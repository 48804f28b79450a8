import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SchedulerScheduleGroup } from '@cdktf/provider-aws/lib/scheduler-schedule-group';
import type { ServiceName } from '@chronopost/shared-schemas';
import { Construct } from 'constructs';
import { policyDocument, serviceTrust } from '../iam';
import type { ServiceFunction } from './service-function';

export interface ScheduleSpec {
  name: string;
  /** EventBridge Scheduler expression, e.g. `rate(1 minute)`. */
  expression: string;
  target: ServiceFunction<ServiceName>;
  /** Payload of the invocation (Scheduler sends `{}` otherwise). */
  input?: string;
}

/**
 * EventBridge Scheduler schedules, in a group of the environment's own, each invoking a
 * function's `live` alias through a role that may invoke exactly those aliases.
 */
export class Schedules extends Construct {
  readonly group: SchedulerScheduleGroup;

  constructor(scope: Construct, id: string, props: { prefix: string; accountId: string; schedules: ScheduleSpec[] }) {
    super(scope, id);
    this.group = new SchedulerScheduleGroup(this, 'group', { name: props.prefix });
    const role = new IamRole(this, 'role', {
      name: `${props.prefix}-scheduler`,
      assumeRolePolicy: serviceTrust('scheduler.amazonaws.com', props.accountId),
    });
    new IamRolePolicy(this, 'policy', {
      name: `${props.prefix}-scheduler`,
      role: role.name,
      policy: policyDocument([
        {
          Sid: 'InvokeScheduledAliases',
          Effect: 'Allow',
          Action: ['lambda:InvokeFunction'],
          Resource: [...new Set(props.schedules.map((schedule) => schedule.target.alias.arn))],
        },
      ]),
    });
    for (const schedule of props.schedules) {
      new SchedulerSchedule(this, schedule.name, {
        name: `${props.prefix}-${schedule.name}`,
        groupName: this.group.name,
        scheduleExpression: schedule.expression,
        // Fire at the start of each period: the dispatcher's look-ahead assumes one tick a minute.
        flexibleTimeWindow: { mode: 'OFF' },
        target: {
          arn: schedule.target.alias.arn,
          roleArn: role.arn,
          input: schedule.input ?? '{}',
          // A missed tick is covered by the next one; retrying an old one would only pile up.
          retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 },
        },
      });
    }
  }
}
