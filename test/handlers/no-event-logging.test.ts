/**
 * The event carries link and API tokens: it is never logged, even when the environment asks Powertools to
 * log every event (POWERTOOLS_LOGGER_LOG_EVENT=true).
 */
import { GetAutomationExecutionCommand, SendAutomationSignalCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { approveStep, execution, STAGING_ID } from '../gate/fixtures';
import { context, formPost } from '../support/events';
import { link, useTestSecret } from '../support/secrets';

process.env.POWERTOOLS_LOGGER_LOG_EVENT = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
useTestSecret();
const ssm = mockClient(SSMClient);
const { logger } = require('../../lambda/core/logger') as typeof import('../../lambda/core/logger');
const { handler } = require('../../lambda/handlers/signal') as typeof import('../../lambda/handlers/signal');

const ID = '3f1c6a52-9d7e-4a51-8f0e-2b8c1d0e4a77';

it('logs the decision, never the event or the token', async () => {
  ssm.on(GetAutomationExecutionCommand).resolves({
    AutomationExecution: execution('Waiting', [approveStep('ApproveStaging', STAGING_ID, 'Waiting')], {
      AutomationExecutionId: ID,
    }),
  });
  ssm.on(SendAutomationSignalCommand).resolves({});
  const lines: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  const info = jest.spyOn(logger, 'info');
  const token = await link(ID, ['approve']);
  try {
    const response = await handler(formPost(`/executions/${ID}/approve`, { token }), context());
    expect(response.statusCode).toBe(200);
  } finally {
    write.mockRestore();
  }
  expect(info.mock.calls.map((call) => call[0])).toEqual(['Decision sent']);
  expect(lines.join('')).not.toContain(token);
  expect(lines.join('')).not.toContain('Lambda invocation event');
});
