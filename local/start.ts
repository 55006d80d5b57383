/**
 * `npm start`: the webhook on this machine, with no AWS account. Starts the SSM Automation simulator and
 * the local API, starts demo executions waiting for approval and prints what to paste to decide them.
 */
import { createServer } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GetAutomationExecutionCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  DEMO_RUNBOOK,
  LOCAL_REGION,
  type LocalStack,
  OPERATOR_CREDENTIALS,
  QUORUM_DEMO_RUNBOOK,
  startLocalStack,
} from './runner';
import { defaultSecretFilePath } from './secret-store';
import { DEFAULT_LOCAL_PRINCIPALS } from './simulator';

const HELP = `Usage: npm start [-- options]

Runs the approval webhook locally: the same Lambda handlers behind a local HTTP API, talking to an
embedded SSM Automation simulator that speaks SSM's real wire protocol. When a runbook reaches an
approval step, the notifier e-mails the approver through a local SES endpoint (the e-mails appear in the
local mailbox), posts to #approvals in a local Slack (its page has working buttons) and sends a card to a
local Teams webhook. Starts demo executions that wait at an approval step and prints where to look.

Options:
  --port N             local API port (default: $PORT or 3000)
  --simulator-port N   simulator port (default: $SSM_SIMULATOR_PORT or 3001)
  --real-ssm           no simulator: the handlers call real SSM with your AWS configuration:
                       AWS_PROFILE (a profile in ~/.aws) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
                       and AWS_REGION; it refuses to start without them. Nothing is started there,
                       so no demo execution is created
  --no-demo            do not start the demo executions
  --approver LABEL     who is e-mailed and whom the demo links are for (default: you@example.com)
  --secret-file PATH   the local secret store (default: .local/secrets.json, created on first start)
  --log-level LEVEL    the functions' log level: DEBUG, INFO, WARN, ERROR, SILENT (default: INFO)
  -h, --help           show this help

Create more links with \`npm run link -- <executionId> --action approve\` (its default base URL uses
$PORT too), API tokens with
\`npm run token -- create <client-name> --actions approve,reject --runbooks '*'\`. Ctrl-C stops everything.`;

const port = (value: string | undefined, fallback: number, name: string): number => {
  const raw = value ?? String(fallback);
  const parsed = Number(raw);
  if (!/^\d+$/.test(raw) || parsed < 0 || parsed > 65535) {
    throw new Error(`${name} must be a port number from 0 to 65535, not '${raw}'.`);
  }
  return parsed;
};

const slackUser = (user: { readonly name: string; readonly id: string }) => `${user.name} ${user.id}`;

/** What `npm start` prints once everything runs: where each part is, and commands that work as printed. */
export const banner = (stack: LocalStack): string => {
  const lines = [
    '',
    'ssm-approval-webhook is running locally.',
    `  API:       ${stack.apiUrl}`,
    `  OpenAPI:   ${stack.apiUrl}/openapi.json`,
    stack.simulatorUrl
      ? `  Simulator: ${stack.simulatorUrl} (SSM Automation, wire-compatible)`
      : '  SSM:       real SSM',
    ...(stack.mailboxUrl ? [`  Mailbox:   ${stack.mailboxUrl}  (the notifier's e-mails)`] : []),
    ...(stack.slackUrl ? [`  Slack:     ${stack.slackUrl}  (#approvals, with working buttons)`] : []),
    ...(stack.teamsUrl ? [`  Teams:     ${stack.teamsUrl}  (the cards posted to change-room)`] : []),
  ];
  const demo = stack.demo;
  if (demo && stack.simulatorUrl) {
    const id = demo.executionId;
    const curl = (action: 'approve' | 'reject' | 'stop', body: string) =>
      `  curl -sS -w '\\n' -X POST '${stack.apiUrl}/executions/${demo.apiExecutions[action]}/${action}' -H 'Authorization: Bearer ${stack.apiToken}' -H 'Content-Type: application/json' -d '${body}'`;
    const operator = DEFAULT_LOCAL_PRINCIPALS[OPERATOR_CREDENTIALS.accessKeyId];
    const aws = `AWS_ACCESS_KEY_ID=${OPERATOR_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${operator?.secretAccessKey ?? ''} /usr/bin/aws ssm`;
    const where = `--endpoint-url ${stack.simulatorUrl} --region ${LOCAL_REGION}`;
    lines.push(
      '',
      `Demo execution ${id} (runbook ${DEMO_RUNBOOK}) is Waiting at step ApproveChange.`,
      `Its approval e-mail is in the mailbox: open ${stack.mailboxUrl}`,
      ...(stack.slackUrl && stack.slackUsers
        ? [
            `Its Slack message is in #approvals: open ${stack.slackUrl} and act as one of the two users there:`,
            `  ${slackUser(stack.slackUsers.approver)} may approve; ${slackUser(stack.slackUsers.bystander)} may not.`,
          ]
        : []),
      '',
      'Or open a signed link made by hand (not bound to the step; a confirmation page, only its button acts):',
      `  approve: ${demo.links.approve}`,
      `  reject:  ${demo.links.reject}`,
      `  stop:    ${demo.links.stop}`,
      '',
      'Or call the API as a ticketing system would (API client "local-curl"). A decision ends the wait, so each',
      'call has its own execution: approve the demo execution; reject and stop two more started for them:',
      curl('approve', '{"comment":"Looks good"}'),
      curl('reject', '{"comment":"Not now"}'),
      curl('stop', '{"type":"Cancel"}'),
      '',
      'See an execution in the simulator with the AWS CLI:',
      `  ${aws} get-automation-execution --automation-execution-id ${id} ${where} --query AutomationExecution.AutomationExecutionStatus`,
      '',
      'Start another demo execution (it prints its id and e-mails its own links; put the id in a call above):',
      `  ${aws} start-automation-execution --document-name ${DEMO_RUNBOOK} ${where}`,
      '',
      'Start a runbook with two approval steps in a row (each e-mails its own step-bound links):',
      `  ${aws} start-automation-execution --document-name Demo-TwoGates ${where}`,
      '',
      'Start a runbook whose approval needs two different people (each is e-mailed a link; the same person twice counts once):',
      `  ${aws} start-automation-execution --document-name ${QUORUM_DEMO_RUNBOOK} ${where}`,
      '',
      'Status changes of the demo executions are printed here. Ctrl-C stops.',
    );
  } else {
    lines.push('', `API client "local-curl" token: ${stack.apiToken}`, 'Ctrl-C stops.');
  }
  return lines.join('\n');
};

/** The message for a start that failed: a port in use says which one and what to do. */
export const startFailureMessage = (error: unknown, ports: { api: number; simulator: number }): string => {
  const { code, port } = (error ?? {}) as { code?: unknown; port?: unknown };
  if (code === 'EADDRINUSE' && (port === ports.api || port === ports.simulator)) {
    const [what, option] =
      port === ports.api
        ? ['the local API', '--port N (or PORT=N)']
        : ['the SSM simulator', '--simulator-port N (or SSM_SIMULATOR_PORT=N)'];
    return (
      `port ${port} (${what}) is already in use, perhaps by another npm start. Stop that one, or choose ` +
      `another port with ${option}. Nothing was changed: a running instance's API token and links keep working.`
    );
  }
  return error instanceof Error ? error.message : String(error);
};

/**
 * Rejects with the listen error (EADDRINUSE, with its `port`) when `port` on `host` is taken; port 0 (any
 * free port) always passes. Binds and closes at once: a quick early answer, not a reservation.
 */
export const checkPortFree = (port: number, host = '127.0.0.1'): Promise<void> =>
  port === 0
    ? Promise.resolve()
    : new Promise((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(port, host, () => server.close(() => resolve()));
      });

/** How long `--real-ssm` waits for the SDK's credential provider chain before it says none were found. */
export const CREDENTIALS_TIMEOUT_MS = 5000;

const REAL_SSM_SETTINGS =
  'Set AWS_PROFILE (a profile in ~/.aws) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN ' +
  'for temporary credentials), and AWS_REGION, e.g.: AWS_PROFILE=my-profile AWS_REGION=eu-west-1 npm start -- --real-ssm';

/**
 * `--real-ssm` calls SSM with the developer's AWS configuration: refuses to start without credentials
 * (found by the SDK's default provider chain, the one the functions use, within `timeoutMs`) or without
 * AWS_REGION (the functions' region: the local runner sets no other).
 */
export async function checkRealSsmAccess(
  env: NodeJS.ProcessEnv = process.env,
  loadCredentials: () => Promise<unknown> = () =>
    new SSMClient(env.AWS_REGION ? { region: env.AWS_REGION } : {}).config.credentials(),
  timeoutMs: number = CREDENTIALS_TIMEOUT_MS,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([
    loadCredentials().then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    ),
    timedOut,
  ]);
  clearTimeout(timer);
  const missing: string[] = [];
  if (outcome === 'timeout') missing.push(`no credentials within ${timeoutMs / 1000} s`);
  else if (outcome !== undefined) missing.push(`no credentials (${outcome})`);
  if (!env.AWS_REGION) missing.push('no AWS_REGION');
  if (missing.length > 0) {
    throw new Error(
      `--real-ssm needs AWS credentials and a region, and found ${missing.join(' and ')}.\n${REAL_SSM_SETTINGS}`,
    );
  }
}

/** Prints each status change of the demo executions, read through SSM's own API. */
const watchDemo = (stack: LocalStack): NodeJS.Timeout | undefined => {
  const { demo, operatorSsm } = stack;
  if (!demo || !operatorSsm) return undefined;
  const last = new Map(
    [...new Set([demo.executionId, ...Object.values(demo.apiExecutions)])].map((id) => [id, 'Waiting']),
  );
  const timer = setInterval(() => {
    for (const [id, before] of last) {
      operatorSsm
        .send(new GetAutomationExecutionCommand({ AutomationExecutionId: id }))
        .then(({ AutomationExecution: execution }) => {
          const status = execution?.AutomationExecutionStatus ?? 'unknown';
          if (status !== before && last.get(id) === before) {
            console.log(`demo execution ${id}: ${before} → ${status}`);
            last.set(id, status);
          }
        })
        .catch(() => undefined);
    }
  }, 1000);
  timer.unref();
  return timer;
};

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'simulator-port': { type: 'string' },
      'real-ssm': { type: 'boolean', default: false },
      'no-demo': { type: 'boolean', default: false },
      approver: { type: 'string' },
      'secret-file': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const ports = {
    api: port(values.port ?? process.env.PORT, 3000, 'PORT'),
    simulator: port(values['simulator-port'] ?? process.env.SSM_SIMULATOR_PORT, 3001, 'SSM_SIMULATOR_PORT'),
  };
  if (values['real-ssm']) {
    await checkRealSsmAccess();
  }
  const start = async () => {
    // A taken port fails here, in a moment, before anything starts; the bind itself stays the authority.
    await checkPortFree(ports.api);
    if (!values['real-ssm']) await checkPortFree(ports.simulator);
    return startLocalStack({
      apiPort: ports.api,
      simulatorPort: ports.simulator,
      realSsm: values['real-ssm'],
      demo: !values['no-demo'],
      secretFile: path.resolve(values['secret-file'] ?? defaultSecretFilePath()),
      ...(values.approver ? { approver: values.approver } : {}),
      ...(values['log-level'] ? { logLevel: values['log-level'].toUpperCase() } : {}),
    });
  };
  const stack = await start().catch((error: unknown) => {
    throw new Error(startFailureMessage(error, ports));
  });
  console.log(banner(stack));
  const watcher = watchDemo(stack);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    if (watcher) clearInterval(watcher);
    stack.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
};

// Runs when tsx runs this file (as CommonJS, see local/cli.ts), not when a test imports it.
if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
