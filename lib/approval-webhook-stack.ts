import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ApprovalWebhook, type ApprovalWebhookProps } from './approval-webhook';

export interface ApprovalWebhookStackProps extends StackProps {
  /** Passed to the `ApprovalWebhook` construct. @default - the construct's defaults */
  readonly webhook?: ApprovalWebhookProps;
}

/** Deploys one `ApprovalWebhook` and outputs what runbook authors and operators need. */
export class ApprovalWebhookStack extends Stack {
  public readonly webhook: ApprovalWebhook;

  constructor(scope: Construct, id: string, props: ApprovalWebhookStackProps = {}) {
    super(scope, id, props);
    this.webhook = new ApprovalWebhook(this, 'Webhook', props.webhook);

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
