/**
 * The request's budget: every SSM call of a decision is aborted in time to answer before the function's
 * deadline, even when SSM never answers. Asserted by outcome (the call ends, with a true answer), not by
 * the clock.
 */
import {
  AutomationExecutionNotFoundException,
  GetAutomationExecutionCommand,
  SendAutomationSignalCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { LEGACY_API_SCOPE } from '../../lambda/auth/secret-document';
import { OutcomeUnknownError } from '../../lambda/core/errors';
import { budgetOf, within } from '../../lambda/decision/budget';
import { carryOut } from '../../lambda/decision/carry-out';
import { approveStep, EXECUTION_ID, execution, STAGING_ID } from '../gate/fixtures';

const jira = { kind: 'api', channel: 'api', name: 'jira', scope: LEGACY_API_SCOPE } as const;

/** An SSM client whose SendAutomationSignal never answers (frozen), and whose reads answer at once. */
const frozenSignalClient = () => {
  const client = new SSMClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });
  const seen: { command: string; aborted: () => boolean }[] = [];
  client.send = ((command: object, options?: { abortSignal?: AbortSignal }) => {
    const signal = options?.abortSignal;
    seen.push({ command: command.constructor.name, aborted: () => signal?.aborted === true });
    if (command instanceof GetAutomationExecutionCommand) {
      return Promise.resolve({
        AutomationExecution: execution('Waiting', [approveStep('ApproveStaging', STAGING_ID, 'Waiting')]),
      });
    }
    return new Promise((_resolve, reject) => {
      signal?.addEventListener('abort', () =>
        reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' })),
      );
    });
  }) as SSMClient['send'];
  return { client, seen };
};

describe('budgetOf', () => {
  it('gives each call a signal that fires when only its reserve is left', async () => {
    const budget = budgetOf({ getRemainingTimeInMillis: () => 200 });
    const early = budget.signal(150);
    const late = budget.signal(0);
    await new Promise((resolve) => early.addEventListener('abort', resolve));
    expect(late.aborted).toBe(false);
    await new Promise((resolve) => late.addEventListener('abort', resolve));
  });

  it('fires at once when the reserve is already used up, and with the outer (middy) signal', () => {
    expect(budgetOf({ getRemainingTimeInMillis: () => 100 }).signal(500).aborted).toBe(true);
    const outer = new AbortController();
    const signal = budgetOf({ getRemainingTimeInMillis: () => 60_000 }, outer.signal).signal(0);
    outer.abort();
    expect(signal.aborted).toBe(true);
  });

  it('within() gives up on work that takes no signal', async () => {
    const never = new Promise<never>(() => undefined);
    const controller = new AbortController();
    const result = within(never, controller.signal, () => new Error('too late'));
    controller.abort();
    await expect(result).rejects.toThrow('too late');
  });
});

describe('carryOut under a frozen SSM', () => {
  it('aborts the mutating call within the budget and answers 504 outcome unknown, never hanging', async () => {
    const { client, seen } = frozenSignalClient();
    const error = await carryOut({
      client,
      executionId: EXECUTION_ID,
      identity: jira,
      intent: { action: 'approve' },
      command: () =>
        new SendAutomationSignalCommand({
          AutomationExecutionId: EXECUTION_ID,
          SignalType: 'Approve',
        }),
      // 3 s left: the signal call is aborted when 2.5 s remain, the read after it gets the rest.
      budget: budgetOf({ getRemainingTimeInMillis: () => 3_000 }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(seen.map((s) => s.command)).toEqual([
      'GetAutomationExecutionCommand',
      'SendAutomationSignalCommand',
      'GetAutomationExecutionCommand',
    ]);
    expect(seen[1]?.aborted()).toBe(true);
  });

  it('a read that fails before anything was sent is SSM’s own error, not "unknown"', async () => {
    const { client } = frozenSignalClient();
    client.send = (() =>
      Promise.reject(
        new AutomationExecutionNotFoundException({ message: 'no', $metadata: {} }),
      )) as SSMClient['send'];
    const error = await carryOut({
      client,
      executionId: EXECUTION_ID,
      identity: jira,
      intent: { action: 'approve' },
      command: () =>
        new SendAutomationSignalCommand({
          AutomationExecutionId: EXECUTION_ID,
          SignalType: 'Approve',
        }),
      budget: budgetOf({ getRemainingTimeInMillis: () => 10_000 }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AutomationExecutionNotFoundException);
  });
});
