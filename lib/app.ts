#!/usr/bin/env node
// The CDK app (cdk.json: `npx tsx lib/app.ts`). The only module that reads context or environment.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { resolveAppConfig } from './app-config';
import { ApprovalWebhookStack } from './approval-webhook-stack';

const app = new App();
const config = resolveAppConfig((key) => app.node.tryGetContext(key), process.env);

new ApprovalWebhookStack(app, config.stackName, {
  env: config.env,
  description: 'ssm-approval-webhook: approve, reject, signal or stop SSM Automation executions over HTTP',
  webhook: config.webhook,
  alarmTopicArn: config.alarmTopicArn,
});

// cdk-nag 3 is a policy validation plugin: unacknowledged errors fail the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
