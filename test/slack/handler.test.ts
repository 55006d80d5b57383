/**
 * The Slack function's one handler routes by event: API Gateway's requests to the HTTP side, decision jobs
 * to the asynchronous side, and anything else is logged and ignored.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { logger } from '../../lambda/core/logger';
import { context, JSON_RESPONSE_HEADERS } from '../support/events';
import { SECRET_DOCUMENT } from '../support/secrets';
import { BOT_TOKEN, ROUTING, SIGNING_SECRET, signedEvent } from './interaction-support';

const file = path.join(mkdtempSync(path.join(tmpdir(), 'sawh-slack-')), 'secret.json');
writeFileSync(
  file,
  JSON.stringify({ ...SECRET_DOCUMENT, slackSigningSecret: SIGNING_SECRET, slackBotToken: BOT_TOKEN }),
  { mode: 0o600 },
);
process.env.APP_SECRET_FILE = file;
delete process.env.APP_SECRET_ARN;
process.env.NOTIFIER_CONFIG = JSON.stringify({
  apiUrl: 'http://127.0.0.1:3000',
  signalRoleArn: 'arn:aws:iam::123456789012:role/ssm-approval-webhook-signal',
  webhooks: {},
  ...ROUTING,
});
// Imported once the environment is set, as Lambda loads the module.
const { handler } = require('../../lambda/handlers/slack') as typeof import('../../lambda/handlers/slack');

afterEach(() => jest.restoreAllMocks());

it('answers an HTTP request with a bad signature 401, as the HTTP side', async () => {
  const response = await handler(
    signedEvent('payload=%7B%7D', { signature: `v0=${'0'.repeat(64)}` }),
    context(),
  );
  expect(response).toEqual({
    statusCode: 401,
    headers: {
      'content-type': 'application/problem+json',
      ...JSON_RESPONSE_HEADERS,
      'www-authenticate': 'Bearer realm="ssm-approval-webhook"',
    },
    body: JSON.stringify({
      type: 'urn:ssm-approval-webhook:problem:slack-signature-invalid',
      title: 'Authentication required',
      status: 401,
      detail: 'The request has an invalid Slack signature.',
    }),
  });
});

it('refuses a decision job it did not seal, and does nothing (no error: Lambda would retry it)', async () => {
  const error = jest.spyOn(logger, 'error');
  const result = await handler({ kind: 'slack-decision', executionId: 'not-an-id' }, context());
  expect(result).toBeUndefined();
  expect(error).toHaveBeenCalledWith('Slack decision job refused: nothing was done', {
    problem: 'the event carries no sealed job ("token")',
  });
});

it('logs and ignores any other event', async () => {
  const warn = jest.spyOn(logger, 'warn');
  expect(await handler({ Records: [] }, context())).toBeUndefined();
  expect(warn).toHaveBeenCalledWith('Event ignored: neither a Slack interaction nor a decision job', {
    keys: ['Records'],
  });
});
