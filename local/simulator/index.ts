/**
 * The embedded SSM Automation simulator: an HTTP server that speaks SSM's wire protocol for
 * StartAutomationExecution, GetAutomationExecution, DescribeAutomationStepExecutions,
 * SendAutomationSignal and StopAutomationExecution, so that the unmodified AWS SDK and AWS CLI work
 * against it. docs/simulator.md ("What the simulator assumes") lists where it decides what AWS does
 * not document.
 */
import { join } from 'node:path';
import type { SNSEvent } from 'aws-lambda';
import { AutomationEngine } from './engine';
import type { AutomationStatusChangeEvent } from './events';
import { DEFAULT_LOCAL_PRINCIPALS, type PrincipalMap } from './principals';
import { loadRunbooks } from './runbook-loader';
import { listen } from './server';
import type { SessionResolver } from './sigv4';

export { AutomationEngine, type EngineOptions } from './engine';
export { SsmError, type SsmErrorName } from './errors';
export {
  type AutomationStatusChangeDetail,
  type AutomationStatusChangeEvent,
  approvalMessage,
  EXECUTION_STATUS_CHANGE,
  STEP_STATUS_CHANGE,
} from './events';
export type { Listener } from './listeners';
export {
  DEFAULT_LOCAL_PRINCIPALS,
  LOCAL_ACCOUNT_ID,
  type Principal,
  type PrincipalMap,
  type SsmAction,
} from './principals';
export { type Runbook, RunbookError } from './runbook';
export { loadRunbookFile, loadRunbooks } from './runbook-loader';
export type { IssuedSessionView, SessionResolver } from './sigv4';

/**
 * The SNS topic the shipped runbooks' aws:approve steps notify (their `NotificationArn` parameter's
 * default). SSM requires the topic name to begin with "Automation".
 */
export const LOCAL_NOTIFICATION_TOPIC_ARN =
  'arn:aws:sns:us-east-1:123456789012:Automation-ApprovalWebhook-Local';

/** The runbooks shipped with the project (local/runbooks). */
export const DEFAULT_RUNBOOK_DIR = join(__dirname, '..', 'runbooks');

export interface SimulatorOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks an ephemeral port. @default 0 */
  readonly port?: number;
  /** Directory of runbooks (.yaml, .yml, .json). @default DEFAULT_RUNBOOK_DIR */
  readonly runbookDir?: string;
  /** Access key id → principal. @default DEFAULT_LOCAL_PRINCIPALS */
  readonly principals?: PrincipalMap;
  /**
   * Resolves the session token a request carries: the session issued for the request's access key, which
   * the caller then acts as (SSM records its assumed-role session ARN). Asked on every request, so it may
   * reach a token issuer that starts after the simulator (`npm start` wires it to the local STS). Without
   * it, every session token is refused (UnrecognizedClientException), as before any STS existed.
   */
  readonly sessions?: SessionResolver;
  /**
   * The region the simulated SSM runs in: requests must be signed for it (as AWS requires), and it
   * appears in ARNs and events. @default 'us-east-1'
   */
  readonly region?: string;
  /** The engine's clock (execution and step times, timeouts). Signatures are checked against real time. */
  readonly clock?: () => Date;
  /**
   * Called with unexpected errors (answered as InternalServerError) and with what an event listener
   * throws. @default logs to stderr
   */
  readonly onInternalError?: (error: unknown) => void;
  /**
   * Called, after the SSM call that caused it, with the SNS event a function subscribed to the topic
   * would receive when an aws:approve step with a `NotificationArn` starts waiting.
   */
  readonly onSnsNotification?: (event: SNSEvent) => void | Promise<void>;
  /**
   * Called, after the SSM call that caused it, with each EventBridge event SSM sends when an
   * execution's or a step execution's status changes (source `aws.ssm`).
   */
  readonly onEventBridgeEvent?: (event: AutomationStatusChangeEvent) => void | Promise<void>;
}

export interface Simulator {
  /** Base URL, e.g. http://127.0.0.1:41234: the SDK's `endpoint`, the CLI's `--endpoint-url`. */
  readonly url: string;
  readonly engine: AutomationEngine;
  /** Stops the server and closes keep-alive connections. */
  close(): Promise<void>;
}

/**
 * Loads the runbooks (failing loudly on an invalid one) and starts the server.
 * @throws RunbookError when a runbook is invalid
 */
export const startSimulator = async (options: SimulatorOptions = {}): Promise<Simulator> => {
  const runbooks = loadRunbooks(options.runbookDir ?? DEFAULT_RUNBOOK_DIR);
  const onInternalError =
    options.onInternalError ??
    ((error: unknown) => {
      console.error('ssm-simulator: internal error', error);
    });
  const engine = new AutomationEngine({
    runbooks,
    onInternalError,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.region ? { region: options.region } : {}),
    ...(options.onSnsNotification ? { onSnsNotification: options.onSnsNotification } : {}),
    ...(options.onEventBridgeEvent ? { onEventBridgeEvent: options.onEventBridgeEvent } : {}),
  });
  const running = await listen(
    {
      engine,
      principals: options.principals ?? DEFAULT_LOCAL_PRINCIPALS,
      ...(options.sessions ? { sessions: options.sessions } : {}),
      onInternalError,
    },
    options.host ?? '127.0.0.1',
    options.port ?? 0,
  );
  return { url: running.url, engine, close: running.close };
};
