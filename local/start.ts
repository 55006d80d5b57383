/**
 * `npm start`: the webhook on this machine, with no AWS account. Starts the SSM Automation simulator and
 * the local API, starts one demo execution waiting for approval and prints what to paste to decide it.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GetAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { LOCAL_REGION, type LocalStack, OPERATOR_CREDENTIALS, startLocalStack } from './runner';
import { defaultSecretFilePath } from './secret-store';
import { DEFAULT_LOCAL_PRINCIPALS } from './simulator';

const HELP = `Usage: npm start [-- options]

Runs the approval webhook locally: the same Lambda handlers behind a local HTTP API, talking to an
embedded SSM Automation simulator that speaks SSM's real wire protocol. When a runbook reaches an
approval step, the notifier e-mails the approver through a local SES endpoint; the e-mails appear in the
local mailbox. Starts a demo execution that waits at an approval step and prints where to look.

Options:
  --port N             local API port (default: $PORT or 3000)
  --simulator-port N   simulator port (default: $SSM_SIMULATOR_PORT or 3001)
  --real-ssm           no simulator: the handlers call real SSM with your AWS configuration
                       (AWS_PROFILE / AWS_REGION / credentials from the environment and ~/.aws);
                       nothing is started there, so no demo execution is created
  --no-demo            do not start the demo execution
  --approver LABEL     who is e-mailed and whom the demo links are for (default: you@example.com)
  --secret-file PATH   the local secret store (default: .local/secrets.json, created on first start)
  --log-level LEVEL    the functions' log level: DEBUG, INFO, WARN, ERROR, SILENT (default: INFO)
  -h, --help           show this help

Create more links with \`npm run link -- <executionId> --action approve\`, API tokens with
\`npm run token -- create <client-name>\`. Ctrl-C stops everything.`;

const port = (value: string | undefined, fallback: number, name: string): number => {
  const raw = value ?? String(fallback);
  const parsed = Number(raw);
  if (!/^\d+$/.test(raw) || parsed < 0 || parsed > 65535) {
    throw new Error(`${name} must be a port number from 0 to 65535, not '${raw}'.`);
  }
  return parsed;
};

const banner = (stack: LocalStack): string => {
  const lines = [
    '',
    'ssm-approval-webhook is running locally.',
    `  API:       ${stack.apiUrl}`,
    stack.simulatorUrl
      ? `  Simulator: ${stack.simulatorUrl} (SSM Automation, wire-compatible)`
      : '  SSM:       real SSM',
    ...(stack.mailboxUrl ? [`  Mailbox:   ${stack.mailboxUrl}  (the notifier's e-mails)`] : []),
  ];
  const demo = stack.demo;
  if (demo && stack.simulatorUrl) {
    const id = demo.executionId;
    const curl = (action: string, body: string) =>
      `  curl -sS -X POST '${stack.apiUrl}/executions/${id}/${action}' -H 'Authorization: Bearer ${stack.apiToken}' -H 'Content-Type: application/json' -d '${body}'`;
    const operator = DEFAULT_LOCAL_PRINCIPALS[OPERATOR_CREDENTIALS.accessKeyId];
    const aws = `AWS_ACCESS_KEY_ID=${OPERATOR_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${operator?.secretAccessKey ?? ''} /usr/bin/aws ssm`;
    const where = `--endpoint-url ${stack.simulatorUrl} --region ${LOCAL_REGION}`;
    lines.push(
      '',
      `Demo execution ${id} (runbook Demo-ApproveChange) is Waiting at step ApproveChange.`,
      `Its approval e-mail is in the mailbox: open ${stack.mailboxUrl}`,
      '',
      'Or open a signed link made by hand (not bound to the step; a confirmation page, only its button acts):',
      `  approve: ${demo.links.approve}`,
      `  reject:  ${demo.links.reject}`,
      `  stop:    ${demo.links.stop}`,
      '',
      'Or call the API as a ticketing system would (API client "local-curl"):',
      curl('approve', '{"comment":"Looks good"}'),
      curl('reject', '{"comment":"Not now"}'),
      curl('stop', '{"type":"Cancel"}'),
      '',
      'See the execution in the simulator with the AWS CLI:',
      `  ${aws} get-automation-execution --automation-execution-id ${id} ${where} --query AutomationExecution.AutomationExecutionStatus`,
      '',
      'Start a runbook with two approval steps in a row (each e-mails its own step-bound links):',
      `  ${aws} start-automation-execution --document-name Demo-TwoGates ${where}`,
      '',
      'Status changes of the demo execution are printed here. Ctrl-C stops.',
    );
  } else {
    lines.push('', `API client "local-curl" token: ${stack.apiToken}`, 'Ctrl-C stops.');
  }
  return lines.join('\n');
};

/** Prints each status change of the demo execution, read through SSM's own API. */
const watchDemo = (stack: LocalStack): NodeJS.Timeout | undefined => {
  const { demo, operatorSsm } = stack;
  if (!demo || !operatorSsm) return undefined;
  let last = 'Waiting';
  const timer = setInterval(() => {
    operatorSsm
      .send(new GetAutomationExecutionCommand({ AutomationExecutionId: demo.executionId }))
      .then(({ AutomationExecution: execution }) => {
        const status = execution?.AutomationExecutionStatus ?? 'unknown';
        if (status !== last) {
          console.log(`demo execution ${demo.executionId}: ${last} → ${status}`);
          last = status;
        }
      })
      .catch(() => undefined);
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
  const stack = await startLocalStack({
    apiPort: port(values.port ?? process.env.PORT, 3000, 'PORT'),
    simulatorPort: port(
      values['simulator-port'] ?? process.env.SSM_SIMULATOR_PORT,
      3001,
      'SSM_SIMULATOR_PORT',
    ),
    realSsm: values['real-ssm'],
    demo: !values['no-demo'],
    secretFile: path.resolve(values['secret-file'] ?? defaultSecretFilePath()),
    ...(values.approver ? { approver: values.approver } : {}),
    ...(values['log-level'] ? { logLevel: values['log-level'].toUpperCase() } : {}),
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

main().catch((error: unknown) => {
  console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
