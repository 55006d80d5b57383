/**
 * The Slack function's asynchronous side (lambda/handlers/slack.ts), through its middy chain: a decision
 * made is counted by its audit line under `slack`; one that could not be made is counted from the job's
 * report (`refused`, or `failed` when SSM failed). SSM is mocked; the bot talks to the local Slack.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  GetAutomationExecutionCommand,
  InternalServerError,
  SendAutomationSignalCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { parseSecretDocument } from '../../lambda/auth/secret-document';
import type { SlackDecisionJob } from '../../lambda/slack/decision-job';
import { sealJob } from '../../lambda/slack/job-token';
import type { LocalSlack } from '../../local/slack/server';
import { approveStep, EXECUTION_ID, execution, STAGING_ID } from '../gate/fixtures';
import {
  ALICE,
  BOT_TOKEN,
  OPS,
  ROUTING,
  SIGNING_SECRET,
  startWorkspace,
  TEAM,
} from '../slack/interaction-support';
import { context } from '../support/events';
import { SECRET_DOCUMENT } from '../support/secrets';
import { captureEmf, decisionLine } from './emf';

const DOCUMENT = { ...SECRET_DOCUMENT, slackSigningSecret: SIGNING_SECRET, slackBotToken: BOT_TOKEN };
const file = path.join(mkdtempSync(path.join(tmpdir(), 'sawh-metrics-slack-')), 'secret.json');
writeFileSync(file, JSON.stringify(DOCUMENT), { mode: 0o600 });
process.env.APP_SECRET_FILE = file;
delete process.env.APP_SECRET_ARN;
process.env.NOTIFIER_CONFIG = JSON.stringify({
  apiUrl: 'http://127.0.0.1:3000',
  signalRoleArn: 'arn:aws:iam::123456789012:role/ssm-approval-webhook-signal',
  webhooks: {},
  ...ROUTING,
});
const ssm = mockClient(SSMClient);
let slack: LocalSlack;
let handler: typeof import('../../lambda/handlers/slack').handler;
beforeAll(async () => {
  slack = await startWorkspace();
  process.env.SLACK_API_URL = slack.apiUrl;
  ({ handler } = require('../../lambda/handlers/slack') as typeof import('../../lambda/handlers/slack'));
});
afterAll(() => slack.close());

const JOB: SlackDecisionJob = {
  kind: 'slack-decision',
  executionId: EXECUTION_ID,
  gate: { stepName: 'ApproveStaging', stepExecutionId: STAGING_ID },
  action: 'approve',
  runbook: 'Demo-TwoGates',
  user: { id: ALICE.id, name: 'alice' },
  teamId: TEAM.id,
  channelId: OPS.id,
  tokenId: '0f0e0d0c-0b0a-4909-8807-060504030201',
  keyId: 'k1',
};
const sealed = () => sealJob(parseSecretDocument(JSON.stringify(DOCUMENT)), JOB);

let capture: ReturnType<typeof captureEmf>;
beforeEach(() => {
  ssm.reset();
  capture = captureEmf();
});
afterEach(() => capture.stop());

it('an approval sent: Decisions{approve, sent, slack}, from the audit line', async () => {
  ssm.on(GetAutomationExecutionCommand).resolves({
    AutomationExecution: execution('Waiting', [approveStep('ApproveStaging', STAGING_ID, 'Waiting')]),
  });
  ssm.on(SendAutomationSignalCommand).resolves({});

  await handler(await sealed(), context());

  expect(ssm.commandCalls(SendAutomationSignalCommand)).toHaveLength(1);
  expect(capture.lines).toEqual([decisionLine('approve', 'sent', 'slack')]);
});

it('a run that already ended: Decisions{approve, refused, slack}', async () => {
  ssm.on(GetAutomationExecutionCommand).resolves({
    AutomationExecution: execution('Cancelled', [approveStep('ApproveStaging', STAGING_ID, 'Cancelled')]),
  });

  await handler(await sealed(), context());

  expect(ssm.commandCalls(SendAutomationSignalCommand)).toHaveLength(0);
  expect(capture.lines).toEqual([decisionLine('approve', 'refused', 'slack')]);
});

it('SSM failing: Decisions{approve, failed, slack}', async () => {
  ssm.on(GetAutomationExecutionCommand).rejects(new InternalServerError({ message: 'boom', $metadata: {} }));

  await handler(await sealed(), context());

  expect(capture.lines).toEqual([decisionLine('approve', 'failed', 'slack')]);
});
