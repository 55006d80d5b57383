/**
 * Pure builders of the exact SSM command inputs, and the functions that send them with a client the
 * caller passes in (a module-scope client in Lambda, a mock in tests, the simulator locally).
 */
import {
  GetAutomationExecutionCommand,
  SendAutomationSignalCommand,
  type SendAutomationSignalCommandInput,
  type SSMClient,
  StopAutomationExecutionCommand,
  type StopAutomationExecutionCommandInput,
} from '@aws-sdk/client-ssm';
import { type ExecutionView, executionView } from '../gate/execution-view';
import type { SignalType, StopType } from './validation';

/** A signal, as sent to SSM: the payload maps each key to a list of values (AutomationParameterMap). */
export interface SignalToSend {
  readonly signalType: SignalType;
  readonly payload?: Readonly<Record<string, readonly string[]>>;
}

export const buildSignalInput = (
  executionId: string,
  signal: SignalToSend,
): SendAutomationSignalCommandInput => ({
  AutomationExecutionId: executionId,
  SignalType: signal.signalType,
  ...(signal.payload === undefined
    ? {}
    : { Payload: Object.fromEntries(Object.entries(signal.payload).map(([k, v]) => [k, [...v]])) }),
});

export const buildStopInput = (executionId: string, type: StopType): StopAutomationExecutionCommandInput => ({
  AutomationExecutionId: executionId,
  Type: type,
});

export const sendSignal = async (
  client: SSMClient,
  input: SendAutomationSignalCommandInput,
): Promise<void> => {
  await client.send(new SendAutomationSignalCommand(input));
};

export const stopExecution = async (
  client: SSMClient,
  input: StopAutomationExecutionCommandInput,
): Promise<void> => {
  await client.send(new StopAutomationExecutionCommand(input));
};

/** GetAutomationExecution, read as the webhook needs it (see lambda/gate/execution-view.ts). */
export const readExecution = async (
  client: SSMClient,
  executionId: string,
  abortSignal?: AbortSignal,
): Promise<ExecutionView> => {
  const { AutomationExecution: execution } = await client.send(
    new GetAutomationExecutionCommand({ AutomationExecutionId: executionId }),
    abortSignal ? { abortSignal } : {},
  );
  // SSM answers AutomationExecutionNotFoundException rather than an empty body; an empty one is a fault.
  if (!execution) throw new Error(`GetAutomationExecution returned no execution for ${executionId}`);
  return executionView(execution);
};
