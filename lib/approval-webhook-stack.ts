import { CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { ApprovalWebhook, type ApprovalWebhookProps, ApprovalWebhookPropsError } from './approval-webhook';

export interface ApprovalWebhookStackProps extends StackProps {
  /** Passed to the `ApprovalWebhook` construct. @default - the construct's defaults */
  readonly webhook?: ApprovalWebhookProps;
  /**
   * The ARN of an existing SNS topic for the alarms' actions (`-c alarmTopicArn=…`), imported and passed as
   * `webhook.alarmTopic`; give one or the other. The topic must let CloudWatch publish to it.
   * @default - no alarm action
   */
  readonly alarmTopicArn?: string;
}

/** Deploys one `ApprovalWebhook` and outputs what runbook authors and operators need. */
export class ApprovalWebhookStack extends Stack {
  public readonly webhook: ApprovalWebhook;

  constructor(scope: Construct, id: string, props: ApprovalWebhookStackProps = {}) {
    super(scope, id, props);
    if (props.alarmTopicArn !== undefined && props.webhook?.alarmTopic !== undefined) {
      throw new ApprovalWebhookPropsError('give either alarmTopicArn or webhook.alarmTopic, not both');
    }
    const alarmTopic =
      props.alarmTopicArn === undefined
        ? props.webhook?.alarmTopic
        : sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn);
    this.webhook = new ApprovalWebhook(this, 'Webhook', { ...props.webhook, alarmTopic });

    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the webhook API (routes: /executions/{executionId}/...)',
      value: this.webhook.url,
    });
    new CfnOutput(this, 'SlackInteractionsUrl', {
      description:
        "Slack app's interactivity Request URL (settings.interactivity.request_url in docs/slack-app-manifest.yaml)",
      value: this.webhook.slackInteractionsUrl,
    });
    new CfnOutput(this, 'SignalRoleArn', {
      description: "Put this ARN into the Approvers of the runbook's aws:approve steps",
      value: this.webhook.signalRole.roleArn,
    });
    new CfnOutput(this, 'ApproverSeatRoleArns', {
      description:
        'The approver seats, seat 1 (the signal role) first, comma-separated: a gate that needs N people lists the first N in its Approvers',
      value: Fn.join(',', [...this.webhook.approverSeats.roleArns]),
    });
    new CfnOutput(this, 'StopRoleArn', {
      description: 'The role that calls StopAutomationExecution',
      value: this.webhook.stopRole.roleArn,
    });
    new CfnOutput(this, 'NotificationTopicArn', {
      description: 'Put this ARN into the NotificationArn of your aws:approve steps',
      value: this.webhook.notifier.topic.topicArn,
    });
    new CfnOutput(this, 'SecretArn', {
      description:
        'Secret holding the link keys, API client token hashes and chat credentials (the ARN, not the value)',
      value: this.webhook.secret.secretArn,
    });
  }
}
