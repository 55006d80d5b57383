/**
 * When carryOut sends the mutating call again: only after an attempt that provably did nothing (no
 * connection, or SSM throttled it), and only while the gate aimed at still waits.
 */
import {
  type AutomationExecution,
  GetAutomationExecutionCommand,
  SendAutomationSignalCommand,
  SSMClient,
  SSMServiceException,
} from '@aws-sdk/client-ssm';
import { LEGACY_API_SCOPE } from '../../lambda/auth/secret-document';
import { DecidedOtherwiseError } from '../../lambda/core/errors';
import { budgetOf } from '../../lambda/decision/budget';
import { carryOut, readAndCheck } from '../../lambda/decision/carry-out';
import { executionView } from '../../lambda/gate/execution-view';
import { approved, approveStep, EXECUTION_ID, execution, PRODUCTION_ID, STAGING_ID } from '../gate/fixtures';

const jira = { kind: 'api', channel: 'api', name: 'jira', scope: LEGACY_API_SCOPE } as const;
const AT_STAGING = execution('Waiting', [approveStep('ApproveStaging', STAGING_ID, 'Waiting')]);
const AT_PRODUCTION = execution('Waiting', [
  approved('ApproveStaging', STAGING_ID, 'someone else'),
  approveStep('ApproveProduction', PRODUCTION_ID, 'Waiting'),
]);
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
const throttled = () =>
  new SSMServiceException({
    name: 'ThrottlingException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: 'Rate exceeded',
  });

/** A client that answers reads from `views` (the last one repeats) and signals from `signals`, in order. */
const scripted = (views: AutomationExecution[], signals: (() => unknown)[]) => {
  const client = new SSMClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });
  const log: string[] = [];
  client.send = ((command: object) => {
    if (command instanceof GetAutomationExecutionCommand) {
      log.push('read');
      return Promise.resolve({ AutomationExecution: views.length > 1 ? views.shift() : views[0] });
    }
    log.push('signal');
    const next = signals.shift();
    const outcome = next?.();
    return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve({});
  }) as SSMClient['send'];
  return { client, log };
};

const run = (client: SSMClient) =>
  carryOut({
    client,
    executionId: EXECUTION_ID,
    identity: jira,
    intent: { action: 'approve' },
    command: () =>
      new SendAutomationSignalCommand({ AutomationExecutionId: EXECUTION_ID, SignalType: 'Approve' }),
    budget: budgetOf({ getRemainingTimeInMillis: () => 10_000 }),
  });

it('sends again after a connection that was never made, once it has read that the gate still waits', async () => {
  const { client, log } = scripted([AT_STAGING], [refused, () => ({})]);
  expect(await run(client)).toMatchObject({ kind: 'sent', gate: { stepName: 'ApproveStaging' } });
  expect(log).toEqual(['read', 'signal', 'read', 'signal']);
});

it('sends again after SSM throttled it', async () => {
  const { client, log } = scripted([AT_STAGING], [throttled, throttled, () => ({})]);
  expect(await run(client)).toMatchObject({ kind: 'sent', gate: { stepName: 'ApproveStaging' } });
  expect(log).toEqual(['read', 'signal', 'read', 'signal', 'read', 'signal']);
});

it('does not send again when the gate it aimed at stopped waiting meanwhile', async () => {
  const { client, log } = scripted([AT_STAGING, AT_PRODUCTION], [refused, () => ({})]);
  const error = await run(client).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DecidedOtherwiseError);
  expect((error as DecidedOtherwiseError).detail).toBe(
    'Your decision was not applied: the approval step ApproveStaging stopped waiting before it could be sent; the runbook is now waiting at gate ApproveProduction.',
  );
  expect(log).toEqual(['read', 'signal', 'read']);
});

it('never sends again after an attempt that may have been applied', async () => {
  const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  const { client, log } = scripted([AT_STAGING], [reset, () => ({})]);
  await run(client).catch(() => undefined);
  expect(log.filter((entry) => entry === 'signal')).toHaveLength(1);
});

it('gives up after three attempts that did nothing, with SSM’s own error', async () => {
  const { client, log } = scripted([AT_STAGING], [refused, refused, refused, refused]);
  const error = await run(client).catch((e: unknown) => e);
  expect((error as { code?: string }).code).toBe('ECONNREFUSED');
  expect(log.filter((entry) => entry === 'signal')).toHaveLength(3);
});

describe('a caller that read and checked the execution itself (the quorum path)', () => {
  it('readAndCheck reads once and hands the view over; carryOut with it does not read again before sending', async () => {
    const { client, log } = scripted([AT_STAGING], [() => ({})]);
    const request = {
      client,
      executionId: EXECUTION_ID,
      identity: jira,
      intent: { action: 'approve' as const },
      command: () =>
        new SendAutomationSignalCommand({ AutomationExecutionId: EXECUTION_ID, SignalType: 'Approve' }),
      budget: budgetOf({ getRemainingTimeInMillis: () => 10_000 }),
    };
    const checked = await readAndCheck(request);
    expect(checked).toEqual({ kind: 'checked', before: executionView(AT_STAGING) });
    if (checked.kind !== 'checked') throw new Error('expected the execution');

    expect(await carryOut({ ...request, checked: checked.before })).toMatchObject({
      kind: 'sent',
      gate: { stepName: 'ApproveStaging' },
    });
    expect(log).toEqual(['read', 'signal']);
  });
});
