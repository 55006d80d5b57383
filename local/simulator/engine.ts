/**
 * The simulator's SSM Automation service, without HTTP: the five operations over in-memory
 * executions. Synchronous; time and ids are injected so that tests can pin them.
 *
 * After each operation (reads included, since they apply timeouts) the status changes it made are
 * published: one EventBridge event per execution or step status change, and one SNS notification per
 * aws:approve step that starts waiting with a NotificationArn. Listeners are called later (see
 * listeners.ts), never inside the operation.
 */
import { randomUUID } from 'node:crypto';
import type {
  AutomationExecution,
  DescribeAutomationStepExecutionsRequest,
  DescribeAutomationStepExecutionsResult,
  SendAutomationSignalRequest,
  StartAutomationExecutionRequest,
  StartAutomationExecutionResult,
  StopAutomationExecutionRequest,
} from '@aws-sdk/client-ssm';
import type { SNSEvent } from 'aws-lambda';
import { SsmError } from './errors';
import {
  type AutomationStatusChangeEvent,
  approvalNotification,
  notifiesTopic,
  statusChangeEvent,
} from './events';
import {
  type Context,
  type ExecutionRecord,
  expire,
  runStep,
  setExecutionStatus,
  stopExecution,
  TERMINAL,
} from './execution';
import { deliverLater, type Listener } from './listeners';
import { resolveParameters } from './parameters';
import { LOCAL_ACCOUNT_ID } from './principals';
import type { Runbook } from './runbook';
import { applySignal } from './signals';
import { describeSteps, toAutomationExecution } from './views';

export interface EngineOptions {
  /** Runbooks by document name (see runbook.loadRunbooks). */
  readonly runbooks: ReadonlyMap<string, Runbook>;
  /** @default () => new Date() */
  readonly clock?: () => Date;
  /** Execution and step execution ids. @default crypto.randomUUID */
  readonly newId?: () => string;
  /** @default LOCAL_ACCOUNT_ID (123456789012) */
  readonly accountId?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** Ids of EventBridge events and SNS messages. @default crypto.randomUUID */
  readonly newEventId?: () => string;
  /** Called, asynchronously, when an aws:approve step with a NotificationArn starts waiting. */
  readonly onSnsNotification?: Listener<SNSEvent>;
  /** Called, asynchronously, with each Automation execution and step status-change event. */
  readonly onEventBridgeEvent?: Listener<AutomationStatusChangeEvent>;
  /** Called with what a listener throws (or rejects with). @default logs to stderr */
  readonly onInternalError?: (error: unknown) => void;
}

interface IdempotencyEntry {
  readonly fingerprint: string;
  readonly executionId: string;
}

const DOCUMENT_ARN = /^arn:[a-z-]+:ssm:[a-z0-9-]*:\d{12}:document\/([a-zA-Z0-9_\-.]{3,128})$/;

/** JSON with sorted keys, so that equal requests give equal strings. */
const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
};

export class AutomationEngine {
  private readonly runbooks: ReadonlyMap<string, Runbook>;
  private readonly clock: () => Date;
  private readonly newId: () => string;
  private readonly newEventId: () => string;
  private readonly onSnsNotification: Listener<SNSEvent> | undefined;
  private readonly onEventBridgeEvent: Listener<AutomationStatusChangeEvent> | undefined;
  private readonly onInternalError: (error: unknown) => void;
  /** The account executions run in (the account of `global:ACCOUNT_ID` and of approver user names). */
  readonly accountId: string;
  readonly region: string;
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly clientTokens = new Map<string, IdempotencyEntry>();

  constructor(options: EngineOptions) {
    this.runbooks = options.runbooks;
    this.clock = options.clock ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
    this.accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
    this.region = options.region ?? 'us-east-1';
    this.newEventId = options.newEventId ?? randomUUID;
    this.onSnsNotification = options.onSnsNotification;
    this.onEventBridgeEvent = options.onEventBridgeEvent;
    this.onInternalError =
      options.onInternalError ??
      ((error) => {
        console.error('ssm-simulator: event listener failed', error);
      });
  }

  /** The names of the loaded runbooks. */
  get documentNames(): readonly string[] {
    return [...this.runbooks.keys()].sort();
  }

  /** Ids of all executions, oldest first. */
  get executionIds(): readonly string[] {
    return [...this.executions.keys()];
  }

  private context(): Context {
    return {
      now: this.clock(),
      newId: this.newId,
      accountId: this.accountId,
      region: this.region,
      partition: 'aws',
    };
  }

  /**
   * Publishes the status changes journalled on the execution since the last call: builds the events
   * now, delivers them later.
   */
  private publish(execution: ExecutionRecord): void {
    const transitions = execution.transitions.splice(0);
    if (transitions.length === 0) return;
    const origin = { accountId: this.accountId, region: this.region, partition: 'aws' };
    if (this.onEventBridgeEvent) {
      const events = transitions.map((t) => statusChangeEvent(execution, t, origin, this.newEventId()));
      deliverLater(this.onEventBridgeEvent, events, this.onInternalError);
    }
    if (this.onSnsNotification) {
      const notifications = transitions.flatMap((t) => {
        const topicArn = notifiesTopic(t);
        return topicArn ? [approvalNotification(execution, t, topicArn, this.newEventId())] : [];
      });
      deliverLater(this.onSnsNotification, notifications, this.onInternalError);
    }
  }

  /** Runs `operation` on the execution, then publishes what changed, whether it succeeded or not. */
  private changing<T>(execution: ExecutionRecord, operation: () => T): T {
    try {
      return operation();
    } finally {
      this.publish(execution);
    }
  }

  /** The execution, with any timeout that has passed applied (and published). */
  private execution(id: string, now: Date): ExecutionRecord {
    const execution = this.executions.get(id);
    if (!execution) {
      // SSM's wording is undocumented; this message is the simulator's.
      throw new SsmError(
        'AutomationExecutionNotFoundException',
        `Automation execution ${id} does not exist.`,
      );
    }
    this.changing(execution, () => expire(execution, now));
    return execution;
  }

  private runbook(request: StartAutomationExecutionRequest): Runbook {
    const requested = request.DocumentName ?? '';
    const name = DOCUMENT_ARN.exec(requested)?.[1] ?? requested;
    const runbook = this.runbooks.get(name);
    if (!runbook) {
      throw new SsmError(
        'AutomationDefinitionNotFoundException',
        `Automation definition ${requested} does not exist.`,
      );
    }
    // Assumption: a document loaded from a file has one version, 1, which $DEFAULT and $LATEST name.
    const version = request.DocumentVersion;
    if (
      version !== undefined &&
      version !== '$DEFAULT' &&
      version !== '$LATEST' &&
      version !== runbook.documentVersion
    ) {
      throw new SsmError(
        'AutomationDefinitionVersionNotFoundException',
        `Automation definition ${requested} has no version ${version}.`,
      );
    }
    return runbook;
  }

  /**
   * StartAutomationExecution on behalf of `callerArn`.
   * ClientToken (case-insensitive): the same token with the same request returns the first
   * execution; with a different request it is refused. Assumption: the caller is part of "the
   * request", so another principal cannot replay a token to learn an execution id.
   * @throws SsmError AutomationDefinitionNotFoundException, AutomationDefinitionVersionNotFoundException,
   *   InvalidAutomationExecutionParametersException, IdempotentParameterMismatch
   */
  start(callerArn: string, request: StartAutomationExecutionRequest): StartAutomationExecutionResult {
    const fingerprint = canonical({
      callerArn,
      DocumentName: request.DocumentName,
      DocumentVersion: request.DocumentVersion,
      Parameters: request.Parameters,
      Mode: request.Mode ?? 'Auto',
      Tags: request.Tags,
    });
    const tokenKey = request.ClientToken?.toLowerCase();
    const known = tokenKey === undefined ? undefined : this.clientTokens.get(tokenKey);
    if (known) {
      if (known.fingerprint !== fingerprint) {
        throw new SsmError(
          'IdempotentParameterMismatch',
          `ClientToken ${request.ClientToken} was already used with different request parameters.`,
        );
      }
      return { AutomationExecutionId: known.executionId };
    }
    const runbook = this.runbook(request);
    const parameters = resolveParameters(runbook, request.Parameters);
    const context = this.context();
    const execution: ExecutionRecord = {
      id: this.newId(),
      runbook,
      mode: request.Mode ?? 'Auto',
      executedBy: callerArn,
      parameters,
      startTime: context.now,
      steps: runbook.mainSteps.map((definition) => ({ id: this.newId(), definition, status: 'Pending' })),
      // Assumption: the execution is Pending until its first step starts (or, Interactive, it waits).
      status: 'Pending',
      transitions: [],
    };
    this.executions.set(execution.id, execution);
    if (tokenKey !== undefined) this.clientTokens.set(tokenKey, { fingerprint, executionId: execution.id });
    const first = runbook.mainSteps[0]?.name as string;
    this.changing(execution, () => {
      if (execution.mode === 'Interactive') {
        // Documented: an Interactive execution starts Waiting, before its first step.
        setExecutionStatus(execution, 'Waiting', context.now);
        execution.awaitingStart = first;
      } else {
        runStep(execution, first, context);
      }
    });
    return { AutomationExecutionId: execution.id };
  }

  /** GetAutomationExecution. @throws SsmError AutomationExecutionNotFoundException */
  get(automationExecutionId: string): AutomationExecution {
    return toAutomationExecution(this.execution(automationExecutionId, this.clock()));
  }

  /** DescribeAutomationStepExecutions. @throws SsmError AutomationExecutionNotFoundException, InvalidFilterValue, InvalidNextToken */
  describeSteps(request: DescribeAutomationStepExecutionsRequest): DescribeAutomationStepExecutionsResult {
    return describeSteps(this.execution(request.AutomationExecutionId ?? '', this.clock()), request);
  }

  /**
   * SendAutomationSignal on behalf of `callerArn`.
   * @throws SsmError AutomationExecutionNotFoundException, AutomationStepNotFoundException, InvalidAutomationSignalException
   */
  signal(callerArn: string, request: SendAutomationSignalRequest): void {
    const context = this.context();
    const execution = this.execution(request.AutomationExecutionId ?? '', context.now);
    this.changing(execution, () =>
      applySignal(
        execution,
        callerArn,
        request.SignalType as NonNullable<typeof request.SignalType>,
        request.Payload ?? {},
        context,
      ),
    );
  }

  /**
   * StopAutomationExecution (Type defaults to Cancel).
   * @throws SsmError AutomationExecutionNotFoundException, InvalidAutomationStatusUpdateException
   */
  stop(request: StopAutomationExecutionRequest): void {
    const context = this.context();
    const execution = this.execution(request.AutomationExecutionId ?? '', context.now);
    if (TERMINAL.has(execution.status)) {
      throw new SsmError(
        'InvalidAutomationStatusUpdateException',
        `Automation execution ${execution.id} is already ${execution.status}.`,
      );
    }
    this.changing(execution, () => stopExecution(execution, request.Type ?? 'Cancel', context));
  }
}
