/**
 * The audit record: the decision's log line says who (actor, channel, token id, key id), where from
 * (source IP, user agent), which gate, the outcome and SSM's request id; a refused request's line says
 * who was refused and why. Read from the JSON lines Powertools writes, as CloudWatch would get them.
 */
import { createHash } from 'node:crypto';
import { GetAutomationExecutionCommand, SendAutomationSignalCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { approveStep, execution, STAGING_ID } from '../gate/fixtures';
import { apiEvent, context, jsonPost } from '../support/events';
import { API, bearer, link, useTestSecret } from '../support/secrets';

// INFO from the start: Powertools resets a warm invocation's level to the initial one.
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
useTestSecret();
const ssm = mockClient(SSMClient);
const { handler } = require('../../lambda/handlers/signal') as typeof import('../../lambda/handlers/signal');

const ID = '3f1c6a52-9d7e-4a51-8f0e-2b8c1d0e4a77';
const GATE = { stepName: 'ApproveStaging', stepExecutionId: STAGING_ID };

const logLines = async (run: () => Promise<unknown>): Promise<Record<string, unknown>[]> => {
  const chunks: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  };
  // Powertools writes INFO to stdout and WARN and ERROR to stderr.
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await run();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
};

beforeEach(() => {
  ssm.reset();
  ssm.on(GetAutomationExecutionCommand).resolves({
    AutomationExecution: execution('Waiting', [approveStep('ApproveStaging', STAGING_ID, 'Waiting')], {
      AutomationExecutionId: ID,
    }),
  });
  ssm.on(SendAutomationSignalCommand).resolves({ $metadata: { requestId: 'ssm-req-7' } });
});

it('a link decision: who, which key, which gate, from where, the outcome and SSM’s request id', async () => {
  const token = await link(ID, ['approve'], { gate: GATE, channel: 'email' });
  const event = jsonPost(`/executions/${ID}/approve`, { token }, { 'user-agent': 'Mozilla/5.0 (test)' });
  const [line] = (await logLines(() => handler(event, context()))).filter(
    (l) => l.message === 'Decision sent',
  );
  expect(line).toMatchObject({
    outcome: 'sent',
    executionId: ID,
    action: 'approve',
    signalType: 'Approve',
    ssmRequestId: 'ssm-req-7',
    actor: 'alice@example.com',
    channel: 'email',
    keyId: 'k1',
    gate: 'ApproveStaging',
    stepExecutionId: STAGING_ID,
    sourceIp: '192.0.2.10',
    userAgent: 'Mozilla/5.0 (test)',
  });
  expect(line?.tokenId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(JSON.stringify(line)).not.toContain(token);
});

it('an API decision names the client and a short id of its token, never the token', async () => {
  const lines = await logLines(() => handler(jsonPost(`/executions/${ID}/approve`, {}, bearer()), context()));
  const line = lines.find((l) => l.message === 'Decision sent');
  expect(line).toMatchObject({
    actor: 'jira',
    channel: 'api',
    tokenId: createHash('sha256').update(API.token).digest('hex').slice(0, 12),
    outcome: 'sent',
    ssmRequestId: 'ssm-req-7',
  });
  expect(JSON.stringify(lines)).not.toContain(API.token);
});

it('a refused request is recorded with who and why', async () => {
  const token = await link(ID, ['reject']);
  const lines = await logLines(() =>
    handler(
      apiEvent({
        path: `/executions/${ID}/approve`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      }),
      context(),
    ),
  );
  expect(lines.find((l) => l.message === 'Request refused')).toMatchObject({
    outcome: 'refused',
    status: 403,
    reason: 'link-wrong-action',
    sourceIp: '192.0.2.10',
  });
});
