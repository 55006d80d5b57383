/**
 * How executions look from outside: GetAutomationExecution's AutomationExecution and
 * DescribeAutomationStepExecutions' filtered, paged StepExecutions, in the SDK's own types.
 */
import type {
  AutomationExecution,
  DescribeAutomationStepExecutionsRequest,
  DescribeAutomationStepExecutionsResult,
  StepExecution,
  StepExecutionFilter,
} from '@aws-sdk/client-ssm';
import { SsmError } from './errors';
import { type ExecutionRecord, type StepRecord, successorOf } from './execution';

/**
 * What SSM reports for a runbook output whose step has not succeeded (as observed in SSM responses).
 */
export const NO_OUTPUT = 'No output available yet because the step is not successfully executed';

const STATUSES = new Set([
  'Pending',
  'InProgress',
  'Waiting',
  'Success',
  'TimedOut',
  'Cancelling',
  'Cancelled',
  'Failed',
  'PendingApproval',
  'Approved',
  'Rejected',
  'Scheduled',
  'RunbookInProgress',
  'PendingChangeCalendarOverride',
  'ChangeCalendarOverrideApproved',
  'ChangeCalendarOverrideRejected',
  'CompletedWithSuccess',
  'CompletedWithFailure',
  'Exited',
]);

/** Page size when the caller sets no MaxResults (the model's maximum). Assumption: SSM's default is undocumented. */
export const DEFAULT_MAX_RESULTS = 50;

export const toStepExecution = (execution: ExecutionRecord, record: StepRecord): StepExecution => {
  const { definition } = record;
  const { declared } = definition;
  const next = successorOf(execution.runbook, definition);
  return {
    StepName: definition.name,
    Action: definition.action,
    ...(declared.timeoutSeconds !== undefined ? { TimeoutSeconds: declared.timeoutSeconds } : {}),
    ...(declared.onFailure !== undefined ? { OnFailure: declared.onFailure } : {}),
    ...(declared.maxAttempts !== undefined ? { MaxAttempts: declared.maxAttempts } : {}),
    ...(record.startTime ? { ExecutionStartTime: record.startTime } : {}),
    ...(record.endTime ? { ExecutionEndTime: record.endTime } : {}),
    StepStatus: record.status,
    ...(record.inputs ? { Inputs: record.inputs } : {}),
    ...(record.outputs ? { Outputs: record.outputs } : {}),
    ...(record.failureMessage !== undefined ? { FailureMessage: record.failureMessage } : {}),
    StepExecutionId: record.id,
    // The simulator overrides no step's parameters; SSM reports an empty map then, on every step.
    OverriddenParameters: {},
    ...(declared.isEnd !== undefined ? { IsEnd: declared.isEnd } : {}),
    ...(declared.nextStep !== undefined ? { NextStep: declared.nextStep } : {}),
    ...(declared.isCritical !== undefined ? { IsCritical: declared.isCritical } : {}),
    // Assumption: ValidNextSteps lists the step that follows on success (as in AWS's example output).
    ...(next !== undefined ? { ValidNextSteps: [next] } : {}),
  };
};

const runbookOutputs = (execution: ExecutionRecord): Record<string, string[]> =>
  Object.fromEntries(
    execution.runbook.outputs.map((reference) => {
      const [stepName = '', outputName = ''] = reference.split('.');
      const done = execution.steps
        .filter((s) => s.definition.name === stepName && s.status === 'Success')
        .at(-1);
      return [reference, done?.outputs?.[outputName] ?? [NO_OUTPUT]];
    }),
  );

export const toAutomationExecution = (execution: ExecutionRecord): AutomationExecution => {
  // Assumption: in Interactive mode, the step StartStep would start is reported as the current step.
  const currentName = execution.current?.definition.name ?? execution.awaitingStart;
  const currentAction =
    execution.current?.definition.action ??
    execution.runbook.mainSteps.find((step) => step.name === execution.awaitingStart)?.action;
  return {
    AutomationExecutionId: execution.id,
    DocumentName: execution.runbook.name,
    DocumentVersion: execution.runbook.documentVersion,
    ExecutionStartTime: execution.startTime,
    ...(execution.endTime ? { ExecutionEndTime: execution.endTime } : {}),
    AutomationExecutionStatus: execution.status,
    StepExecutions: execution.steps.map((record) => toStepExecution(execution, record)),
    StepExecutionsTruncated: false,
    Parameters: Object.fromEntries(Object.entries(execution.parameters.wire).map(([k, v]) => [k, [...v]])),
    Outputs: runbookOutputs(execution),
    ...(execution.failureMessage !== undefined ? { FailureMessage: execution.failureMessage } : {}),
    Mode: execution.mode,
    ExecutedBy: execution.executedBy,
    ...(currentName !== undefined ? { CurrentStepName: currentName } : {}),
    ...(currentAction !== undefined ? { CurrentAction: currentAction } : {}),
    Targets: [],
    ResolvedTargets: { ParameterValues: [], Truncated: false },
  };
};

const parseTime = (value: string): number => {
  const time = Date.parse(value);
  if (Number.isNaN(time))
    throw new SsmError('InvalidFilterValue', `The filter value ${value} is not a valid time.`);
  return time;
};

/** Whether a step passes one filter: any of the filter's values matches. */
const passes = (record: StepRecord, filter: StepExecutionFilter): boolean => {
  const values = filter.Values ?? [];
  const started = record.startTime?.getTime();
  switch (filter.Key) {
    case 'StartTimeBefore':
      return values.some((v) => started !== undefined && started < parseTime(v));
    case 'StartTimeAfter':
      return values.some((v) => started !== undefined && started > parseTime(v));
    case 'StepExecutionStatus':
      return values.some((v) => record.status === v);
    case 'StepExecutionId':
      return values.includes(record.id);
    case 'StepName':
      return values.includes(record.definition.name);
    case 'Action':
      return values.includes(record.definition.action);
    default:
      // Parent* filters: the simulator has no nested (loop) steps, so nothing matches.
      return false;
  }
};

const checkFilterValues = (filter: StepExecutionFilter): void => {
  for (const value of filter.Values ?? []) {
    if (filter.Key === 'StartTimeBefore' || filter.Key === 'StartTimeAfter') parseTime(value);
    if (filter.Key === 'StepExecutionStatus' && !STATUSES.has(value)) {
      throw new SsmError(
        'InvalidFilterValue',
        `The filter value ${value} is not a valid step execution status.`,
      );
    }
  }
};

interface PageToken {
  readonly e: string;
  readonly o: number;
}

const readToken = (token: string, executionId: string): number => {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<PageToken>;
    if (parsed.e === executionId && Number.isInteger(parsed.o) && (parsed.o as number) > 0)
      return parsed.o as number;
  } catch {
    // falls through to the error below
  }
  throw new SsmError('InvalidNextToken', 'The specified token is not valid.');
};

const writeToken = (executionId: string, offset: number): string =>
  Buffer.from(JSON.stringify({ e: executionId, o: offset } satisfies PageToken)).toString('base64url');

/**
 * DescribeAutomationStepExecutions. Filters are ANDed, a filter's values ORed.
 * Assumption: ReverseOrder reverses the order in which steps are listed (start order).
 * @throws SsmError InvalidFilterValue, InvalidNextToken
 */
export const describeSteps = (
  execution: ExecutionRecord,
  request: DescribeAutomationStepExecutionsRequest,
): DescribeAutomationStepExecutionsResult => {
  const filters = request.Filters ?? [];
  for (const filter of filters) checkFilterValues(filter);
  const matching = execution.steps.filter((record) => filters.every((filter) => passes(record, filter)));
  if (request.ReverseOrder === true) matching.reverse();
  const offset = request.NextToken === undefined ? 0 : readToken(request.NextToken, execution.id);
  const size = request.MaxResults ?? DEFAULT_MAX_RESULTS;
  const page = matching.slice(offset, offset + size);
  const nextOffset = offset + page.length;
  return {
    StepExecutions: page.map((record) => toStepExecution(execution, record)),
    ...(nextOffset < matching.length ? { NextToken: writeToken(execution.id, nextOffset) } : {}),
  };
};
