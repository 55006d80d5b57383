/**
 * The embedded SSM Automation simulator: an HTTP server that speaks SSM's wire protocol for
 * StartAutomationExecution, GetAutomationExecution, DescribeAutomationStepExecutions,
 * SendAutomationSignal and StopAutomationExecution, so that the unmodified AWS SDK and AWS CLI work
 * against it. README.md ("What the simulator assumes") lists where it decides what AWS does not document.
 */
import { join } from 'node:path';
import { AutomationEngine } from './engine';
import { DEFAULT_LOCAL_PRINCIPALS, type PrincipalMap } from './principals';
import { loadRunbooks } from './runbook-loader';
import { listen } from './server';

export { AutomationEngine, type EngineOptions } from './engine';
export { SsmError, type SsmErrorName } from './errors';
export {
  DEFAULT_LOCAL_PRINCIPALS,
  LOCAL_ACCOUNT_ID,
  type Principal,
  type PrincipalMap,
  type SsmAction,
} from './principals';
export { type Runbook, RunbookError } from './runbook';
export { loadRunbookFile, loadRunbooks } from './runbook-loader';

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
  /** The engine's clock (execution and step times, timeouts). Signatures are checked against real time. */
  readonly clock?: () => Date;
  /** Called with unexpected errors (answered as InternalServerError). @default logs to stderr */
  readonly onInternalError?: (error: unknown) => void;
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
  const engine = new AutomationEngine({ runbooks, ...(options.clock ? { clock: options.clock } : {}) });
  const running = await listen(
    {
      engine,
      principals: options.principals ?? DEFAULT_LOCAL_PRINCIPALS,
      onInternalError:
        options.onInternalError ??
        ((error) => {
          console.error('ssm-simulator: internal error', error);
        }),
    },
    options.host ?? '127.0.0.1',
    options.port ?? 0,
  );
  return { url: running.url, engine, close: running.close };
};
