/**
 * The operations the simulator serves, each with the IAM action that authorises it, the resource it
 * acts on (for AccessDeniedException messages) and the engine call behind it.
 */
import type {
  DescribeAutomationStepExecutionsRequest,
  GetAutomationExecutionRequest,
  SendAutomationSignalRequest,
  StartAutomationExecutionRequest,
  StopAutomationExecutionRequest,
} from '@aws-sdk/client-ssm';
import type { AutomationEngine } from './engine';
import { SsmError } from './errors';
import type { SsmAction } from './principals';
import { INPUT_SHAPES, type Shape } from './validation';

export type OperationName = keyof typeof INPUT_SHAPES;

export interface Operation {
  readonly action: SsmAction;
  readonly input: Shape;
  /** The resource ARN the call acts on. */
  resource(input: Record<string, unknown>, region: string, accountId: string): string;
  run(engine: AutomationEngine, callerArn: string, input: Record<string, unknown>): unknown;
}

const executionArn = (input: Record<string, unknown>, region: string, accountId: string): string =>
  `arn:aws:ssm:${region}:${accountId}:automation-execution/${String(input.AutomationExecutionId)}`;

/** Request members for rate control and multi-account runs, which the simulator does not run. */
const UNSUPPORTED_START_MEMBERS = [
  'TargetParameterName',
  'Targets',
  'TargetMaps',
  'MaxConcurrency',
  'MaxErrors',
  'TargetLocations',
  'AlarmConfiguration',
  'TargetLocationsURL',
] as const;

const refuseUnsupported = (input: Record<string, unknown>): void => {
  const used = UNSUPPORTED_START_MEMBERS.filter((name) => {
    const value = input[name];
    return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
  });
  if (used.length > 0) {
    throw new SsmError(
      'InvalidAutomationExecutionParametersException',
      `The SSM Automation simulator does not support ${used.join(', ')}.`,
    );
  }
};

export const OPERATIONS: Readonly<Record<OperationName, Operation>> = {
  StartAutomationExecution: {
    action: 'ssm:StartAutomationExecution',
    input: INPUT_SHAPES.StartAutomationExecution,
    resource: (input, region, accountId) =>
      `arn:aws:ssm:${region}:${accountId}:automation-definition/${String(input.DocumentName)}:${String(input.DocumentVersion ?? '$DEFAULT')}`,
    run: (engine, callerArn, input) => {
      refuseUnsupported(input);
      return engine.start(callerArn, input as unknown as StartAutomationExecutionRequest);
    },
  },
  GetAutomationExecution: {
    action: 'ssm:GetAutomationExecution',
    input: INPUT_SHAPES.GetAutomationExecution,
    resource: executionArn,
    run: (engine, _callerArn, input) => ({
      AutomationExecution: engine.get(
        (input as unknown as GetAutomationExecutionRequest).AutomationExecutionId ?? '',
      ),
    }),
  },
  DescribeAutomationStepExecutions: {
    action: 'ssm:DescribeAutomationStepExecutions',
    input: INPUT_SHAPES.DescribeAutomationStepExecutions,
    resource: executionArn,
    run: (engine, _callerArn, input) =>
      engine.describeSteps(input as unknown as DescribeAutomationStepExecutionsRequest),
  },
  SendAutomationSignal: {
    action: 'ssm:SendAutomationSignal',
    input: INPUT_SHAPES.SendAutomationSignal,
    resource: executionArn,
    run: (engine, callerArn, input) => {
      engine.signal(callerArn, input as unknown as SendAutomationSignalRequest);
      return {};
    },
  },
  StopAutomationExecution: {
    action: 'ssm:StopAutomationExecution',
    input: INPUT_SHAPES.StopAutomationExecution,
    resource: executionArn,
    run: (engine, _callerArn, input) => {
      engine.stop(input as unknown as StopAutomationExecutionRequest);
      return {};
    },
  },
};

export const isOperationName = (name: string): name is OperationName => Object.hasOwn(OPERATIONS, name);
