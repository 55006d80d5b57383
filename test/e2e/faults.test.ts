/**
 * Every mutating path under faults, end to end through the real SDK (DESIGN.md §3, "Truthful answers":
 * an answer must be true; "failed" or "try again" only when nothing happened).
 *
 * The local API runs the signal, stop and confirm functions as `npm start` does, but their
 * AWS_ENDPOINT_URL_SSM points at a fault proxy (test/support/fault-proxy.ts) in front of a simulator this
 * file starts. startLocalStack cannot do this (it points the functions at its own simulator), so the file
 * composes the same pieces: startSimulator + startLocalApi with the runner's per-function credentials.
 *
 * Each case is one fault on one path, on its own execution (the proxy matches the execution id in the
 * body). The cases run side by side in three waves (WAVES) on warmed-up function instances: the file
 * takes about as long as its slowest case (~8 s: three SDK attempts of 2.5 s), two short waves and
 * start-up, ~20-30 s. Per case, the caller's status and body, the time, how many mutating requests
 * reached the proxy, and the execution afterwards (read by an operator straight from the simulator) go
 * to test-results/fault-matrix.md.
 *
 * Two tests per case. "The answer is true": it says what the execution shows afterwards, whatever the
 * machine's load. "Ends applied / not applied": what the fault should lead to (a mutating call is sent
 * once, never repeated after it may have arrived); it depends on timers firing in time, so it is skipped,
 * visibly, on a saturated machine. Durations are recorded in the matrix, never asserted (speed lives in
 * the benchmarks). Where today's answer is untrue, both tests of the case are
 * `it.failing` and their titles name the defect (DEFECTS): the suite stays green, the defect stays
 * visible, and the day a fix lands the mark has to go (jest reports the case as passing unexpectedly).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  DescribeAutomationStepExecutionsCommand,
  GetAutomationExecutionCommand,
  SSMClient,
  StartAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import type { FunctionName } from '../../lambda/routes';
import { type LocalApi, startLocalApi } from '../../local/api-server';
import {
  DEFAULT_LOCAL_PRINCIPALS,
  DEFAULT_RUNBOOK_DIR,
  type Simulator,
  startSimulator,
} from '../../local/simulator';
import { type Fault, type FaultProxy, faults, type Rule, startFaultProxy } from '../support/fault-proxy';
import { API, link, SECRET_DOCUMENT } from '../support/secrets';

const RUNBOOK = 'Demo-ApproveChange';
const GATE = 'ApproveChange';
const LONGER_THAN_REQUEST_TIMEOUT_MS = 4_000; // the SDK gives each attempt 2.5 s (lambda/core/ssm-client.ts)

type PathName = 'approve (API token)' | 'approve (step-bound link)' | 'stop (API token)';
const PATHS: readonly PathName[] = ['approve (API token)', 'approve (step-bound link)', 'stop (API token)'];

interface FaultCase {
  readonly name: string;
  readonly fault: Fault;
  /** Fault only the first mutating request. @default every one */
  readonly once?: boolean;
  /**
   * Whether a correct webhook ends with the change applied: only when the faulted attempt itself reached
   * SSM (the webhook never sends a call again that may have arrived).
   */
  readonly applies: boolean;
}

const FAULTS: readonly FaultCase[] = [
  { name: 'pass', fault: faults.pass, applies: true },
  { name: 'slow 500 ms', fault: faults.slow(500), applies: true },
  // A call that got no answer is never sent again (it may still arrive and be applied, and a repeated
  // Approve could decide the next gate): even a one-off freeze ends "outcome unknown", with how to check.
  { name: 'frozen once', fault: faults.frozen, once: true, applies: false },
  { name: 'frozen', fault: faults.frozen, applies: false },
  { name: 'blackhole', fault: faults.blackhole, applies: false },
  { name: 'slow 4 s once', fault: faults.slow(LONGER_THAN_REQUEST_TIMEOUT_MS), once: true, applies: true },
  { name: 'slow 4 s', fault: faults.slow(LONGER_THAN_REQUEST_TIMEOUT_MS), applies: true },
  { name: 'lostAfterApply once', fault: faults.lostAfterApply, once: true, applies: true },
  { name: 'lostAfterApply', fault: faults.lostAfterApply, applies: true },
  { name: '500 after apply once', fault: faults.status5xxAfterApply(500), once: true, applies: true },
  { name: '500 after apply', fault: faults.status5xxAfterApply(500), applies: true },
  { name: '503 after apply once', fault: faults.status5xxAfterApply(503), once: true, applies: true },
];

/**
 * Cases whose answer is untrue today, by `<fault> × <path>` (keyOf): the defect, in words. Their tests
 * run as `it.failing`. Empty since 50e68e5 ("Answers that are true"); at cf790d7, 21 of these 36 cases were
 * untrue: frozen (once or always) and blackhole hung until the 10 s deadline and answered 502 "could not
 * reach SSM … try again" (the SDK's request timeout only warned); an answer lost once after applying
 * answered 409 on the API-token paths (the retry was refused); lost every time, 502 "try again".
 */
const DEFECTS: Readonly<Record<string, string>> = {};

/**
 * Invocations one local function runs at once without queueing (local/function-pool.ts: 10 instances,
 * each taking one invocation at a time). A wave never asks more of one function, so no case waits for an
 * instance and the times measured are the webhook's own.
 */
const INSTANCES_PER_WAVE = 10;
/**
 * Above this many runnable processes per CPU the machine is saturated: every timer fires late, answers
 * miss a 10 s deadline for want of CPU, not for the webhook's sake. The outcome tests are then skipped, with
 * the load in their titles; the truthfulness tests run whatever the load.
 */
const SATURATED_LOAD_PER_CPU = 3;
const LOAD = `load average ${(loadavg()[0] ?? 0).toFixed(1)} on ${cpus().length} CPUs`;
const TIMING_SKIPPED = (loadavg()[0] ?? 0) / cpus().length > SATURATED_LOAD_PER_CPU;
/** Between two requests of a wave. */
const STAGGER_MS = 100;
/** Faults that hold an instance for seconds (each attempt waits out the SDK's 2.5 s request timeout). */
const holds = ({ fault }: FaultCase) =>
  fault.kind === 'frozen' || fault.kind === 'blackhole' || (fault.kind === 'slow' && fault.ms > 2_500);
const casesOf = (faults: readonly FaultCase[], paths: readonly PathName[]) =>
  faults.flatMap((fault) => paths.map((path) => [fault, path] as const));
/** The long cases together (10 signal, 5 stop), then the quick ones (7 per path) a path or two at a time. */
const WAVES = [
  casesOf(FAULTS.filter(holds), PATHS),
  casesOf(
    FAULTS.filter((fault) => !holds(fault)),
    ['approve (API token)', 'stop (API token)'],
  ),
  casesOf(
    FAULTS.filter((fault) => !holds(fault)),
    ['approve (step-bound link)'],
  ),
];

interface Measured {
  readonly fault: FaultCase;
  readonly path: PathName;
  readonly executionId: string;
  readonly status: number;
  readonly body: unknown;
  readonly ms: number;
  /** Mutating requests (SendAutomationSignal / StopAutomationExecution) that reached the proxy. */
  readonly attempts: number;
  /** The execution's status and its gate's step status, read by the operator after the answer. */
  readonly after: { readonly execution?: string; readonly gate?: string };
}

const credentialsOf = (accessKeyId: string) => ({
  AWS_ACCESS_KEY_ID: accessKeyId,
  AWS_SECRET_ACCESS_KEY: DEFAULT_LOCAL_PRINCIPALS[accessKeyId]?.secretAccessKey ?? '',
});

/** As local/runner.ts gives each function, with SSM's endpoint at the proxy. */
const functionEnvironment = (secretFile: string, ssmEndpoint: string, accessKeyId: string) => ({
  PATH: process.env.PATH ?? '',
  APP_SECRET_FILE: secretFile,
  APP_SECRET_MAX_AGE_SECONDS: '0',
  POWERTOOLS_SERVICE_NAME: 'ssm-approval-webhook-faults',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_ENDPOINT_URL_SSM: ssmEndpoint,
  AWS_CONFIG_FILE: path.join(__dirname, '../../local/empty-aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: path.join(__dirname, '../../local/empty-aws-config'),
  ...credentialsOf(accessKeyId),
});

let simulator: Simulator;
let proxy: FaultProxy;
let api: LocalApi;
let operator: SSMClient;
const measured = new Map<string, Measured>();
const keyOf = (fault: string, path: PathName) => `${fault} × ${path}`;

const startExecution = async (): Promise<string> =>
  (await operator.send(new StartAutomationExecutionCommand({ DocumentName: RUNBOOK })))
    .AutomationExecutionId as string;

const gateStep = async (executionId: string) =>
  (
    await operator.send(new DescribeAutomationStepExecutionsCommand({ AutomationExecutionId: executionId }))
  ).StepExecutions?.find((step) => step.StepName === GATE);

const stateOf = async (executionId: string): Promise<Measured['after']> => {
  const execution = (
    await operator.send(new GetAutomationExecutionCommand({ AutomationExecutionId: executionId }))
  ).AutomationExecution;
  return { execution: execution?.AutomationExecutionStatus, gate: (await gateStep(executionId))?.StepStatus };
};

interface Prepared {
  readonly fault: FaultCase;
  readonly path: PathName;
  readonly executionId: string;
  readonly rule: Rule;
  readonly url: string;
  readonly init: RequestInit;
}

/** A fresh execution waiting at its gate, the proxy's rule for it, and the caller's request. */
const prepare = async (fault: FaultCase, path: PathName): Promise<Prepared> => {
  const executionId = await startExecution();
  const stop = path === 'stop (API token)';
  const rule = proxy.set(
    stop ? 'AmazonSSM.StopAutomationExecution' : 'AmazonSSM.SendAutomationSignal',
    fault.fault,
    {
      bodyIncludes: executionId,
      ...(fault.once ? { times: 1 } : {}),
    },
  );
  const url = `${api.url}/executions/${executionId}/${stop ? 'stop' : 'approve'}`;
  if (path !== 'approve (step-bound link)') {
    return {
      fault,
      path,
      executionId,
      rule,
      url,
      init: { method: 'POST', headers: { authorization: `Bearer ${API.token}` } },
    };
  }
  const step = await gateStep(executionId);
  const token = await link(executionId, ['approve'], {
    gate: { stepName: GATE, stepExecutionId: step?.StepExecutionId as string },
  });
  const init = {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  };
  return { fault, path, executionId, rule, url, init };
};

/** Sends the prepared request, times the answer, then reads the execution as an operator. */
const measure = async ({ fault, path, executionId, rule, url, init }: Prepared): Promise<Measured> => {
  const started = Date.now();
  const response = await fetch(url, init);
  const text = await response.text();
  const ms = Date.now() - started;
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return {
    fault,
    path,
    executionId,
    status: response.status,
    body,
    ms,
    attempts: rule.hits,
    after: await stateOf(executionId),
  };
};

const summary = (body: unknown): string => {
  if (typeof body !== 'object' || body === null) return String(body).slice(0, 80);
  const record = body as Record<string, unknown>;
  if (typeof record.type === 'string')
    return `${record.type.split(':').pop()}${record.code ? ` (${record.code})` : ''}`;
  if (record.alreadyDone) return 'alreadyDone';
  return `${record.operation} sent`;
};

/** test-results/fault-matrix.md (and .json): one row per case, and the machine's load while measuring. */
const writeMatrix = (load: string) => {
  const rows = casesOf(FAULTS, PATHS).map(([fault, path]) => {
    const m = measured.get(keyOf(fault.name, path)) as Measured;
    const after = `${m.after.execution} / ${GATE} ${m.after.gate}`;
    return `| ${fault.name} | ${path} | ${m.status} ${summary(m.body)} | ${(m.ms / 1000).toFixed(1)} s | ${m.attempts} | ${after} | ${isTrueAnswer(m) ? 'true' : 'UNTRUE'} |`;
  });
  mkdirSync('test-results', { recursive: true });
  writeFileSync('test-results/fault-matrix.json', JSON.stringify([...measured.values()], null, 2));
  writeFileSync(
    'test-results/fault-matrix.md',
    [
      `Measured with ${load}.`,
      '',
      '| fault | path | answer | time | attempts | execution after | answer is |',
      '|---|---|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
};

beforeAll(async () => {
  const secretFile = path.join(mkdtempSync(path.join(tmpdir(), 'sawh-faults-')), 'secret.json');
  writeFileSync(secretFile, JSON.stringify(SECRET_DOCUMENT), { mode: 0o600 });
  simulator = await startSimulator({ runbookDir: DEFAULT_RUNBOOK_DIR });
  proxy = await startFaultProxy(simulator.url);
  const environments: Record<FunctionName, Record<string, string>> = {
    signal: functionEnvironment(secretFile, proxy.url, 'AKIALOCALWEBHOOKSIGN'),
    stop: functionEnvironment(secretFile, proxy.url, 'AKIALOCALWEBHOOKSTOP'),
    confirm: functionEnvironment(secretFile, proxy.url, 'AKIALOCALWEBHOOKCONF'),
    slack: functionEnvironment(secretFile, proxy.url, 'AKIALOCALWEBHOOKSIGN'),
  };
  api = await startLocalApi({ port: 0, functionEnvironments: environments });
  operator = new SSMClient({
    endpoint: simulator.url,
    region: 'us-east-1',
    credentials: {
      accessKeyId: 'AKIALOCALOPERATOR001',
      secretAccessKey: DEFAULT_LOCAL_PRINCIPALS.AKIALOCALOPERATOR001?.secretAccessKey ?? '',
    },
  });
  // The local API runs each invocation on an instance of its own (as Lambda does), and starting one costs
  // a module load. Start as many as a wave needs, untimed: one pass per instance, all at once.
  const pass = FAULTS[0] as FaultCase;
  const warmUp = PATHS.filter((p) => p !== 'approve (step-bound link)').flatMap((p) =>
    Array.from({ length: INSTANCES_PER_WAVE }, () => prepare(pass, p)),
  );
  await Promise.all((await Promise.all(warmUp)).map(measure));
  const load = `load average ${(loadavg()[0] ?? 0).toFixed(1)} on ${cpus().length} CPUs`; // now, not at collection
  for (const wave of WAVES) {
    // Every execution and request first, then the wave's requests a moment apart (not one CPU burst):
    // the timed part is the webhook's alone.
    const prepared = await Promise.all(wave.map(([fault, path]) => prepare(fault, path)));
    const results = await Promise.all(
      prepared.map((request, i) => delay(i * STAGGER_MS).then(() => measure(request))),
    );
    for (const result of results) measured.set(keyOf(result.fault.name, result.path), result);
  }
  writeMatrix(load);
}, 120_000);

afterAll(async () => {
  operator?.destroy();
  await api?.close();
  await proxy?.close();
  await simulator?.close();
});

const decisionBody = (m: Measured) =>
  m.path === 'stop (API token)'
    ? { executionId: m.executionId, action: 'stop', operation: 'StopAutomationExecution', stopType: 'Cancel' }
    : {
        executionId: m.executionId,
        action: 'approve',
        operation: 'SendAutomationSignal',
        signalType: 'Approve',
        payload: {
          Comment: [
            m.path === 'approve (API token)'
              ? 'Approved via API token by jira'
              : 'Approved via signed link by alice@example.com',
          ],
        },
      };

const alreadyDoneBody = (m: Measured) => ({
  executionId: m.executionId,
  action: m.path === 'stop (API token)' ? 'stop' : 'approve',
  alreadyDone: true,
  ...(m.path === 'stop (API token)' ? {} : { gate: GATE }),
  decidedAt: expect.any(String),
});

const APPLIED = {
  'approve (API token)': { execution: 'Success', gate: 'Success' },
  'approve (step-bound link)': { execution: 'Success', gate: 'Success' },
  'stop (API token)': { execution: 'Cancelled', gate: 'Cancelled' },
} as const;
const UNCHANGED = { execution: 'Waiting', gate: 'Waiting' } as const;

const same = (a: Measured['after'], b: Measured['after']) => a.execution === b.execution && a.gate === b.gate;

/**
 * The answer says what the execution shows afterwards: applied → 200 with what was done (or 504 "outcome
 * unknown", which claims nothing); unchanged and never sent → a 5xx failure ("try again" is true);
 * unchanged but sent → 504 "outcome unknown" with how to check (nobody can know whether it will apply).
 */
const expectTrueAnswer = (m: Measured) => {
  const outcomeUnknown = {
    type: 'urn:ssm-approval-webhook:problem:outcome-unknown',
    status: 504,
    detail: expect.stringContaining(m.executionId),
  };
  if (same(m.after, APPLIED[m.path])) {
    if (m.status === 504) expect(m.body).toMatchObject(outcomeUnknown);
    else {
      expect(m.status).toBe(200);
      expect([decisionBody(m), alreadyDoneBody(m)]).toContainEqual(m.body);
    }
  } else if (m.attempts === 0) {
    expect(m.after).toEqual(UNCHANGED);
    expect(m.status).toBeGreaterThanOrEqual(500);
  } else {
    expect(m.after).toEqual(UNCHANGED);
    expect(m.status).toBe(504);
    expect(m.body).toMatchObject(outcomeUnknown);
  }
};

const isTrueAnswer = (m: Measured): boolean => {
  try {
    expectTrueAnswer(m);
    return true;
  } catch {
    return false;
  }
};

describe.each(FAULTS)('$name', (fault) => {
  describe.each(PATHS)('%s', (path) => {
    const key = keyOf(fault.name, path);
    const defect = DEFECTS[key];
    const check = defect ? it.failing : it;
    const named = (title: string) => `${title}${defect ? ` — DEFECT: ${defect}` : ''}`;

    // Whatever the timing: the answer says what the execution shows (does not depend on the machine's load).
    check(named('the answer is true to the execution afterwards'), () => {
      expectTrueAnswer(measured.get(key) as Measured);
    });

    // What the fault should lead to, in time: skipped, visibly, on a saturated machine (TIMING_SKIPPED).
    (TIMING_SKIPPED ? it.skip : check)(
      named(
        `${
          fault.applies ? 'ends applied and answers 200' : 'ends not applied and answers 504'
        }${TIMING_SKIPPED ? ` (skipped: ${LOAD})` : ''}`,
      ),
      () => {
        const m = measured.get(key) as Measured;
        expect(m.after).toEqual(fault.applies ? APPLIED[path] : UNCHANGED);
        expect(m.status).toBe(fault.applies ? 200 : 504);
        // The time is recorded in test-results/fault-matrix.md, not asserted: speed goals live in the
        // benchmarks, and the deadline itself is a property of the budget (test/decision/budget.test.ts).
      },
    );
  });
});
