/**
 * Standalone simulator: `npx tsx local/simulator/cli.ts --port 3001 --runbooks local/runbooks`.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_LOCAL_PRINCIPALS, DEFAULT_RUNBOOK_DIR, startSimulator } from './index';

const USAGE = `Usage: npx tsx local/simulator/cli.ts [--host 127.0.0.1] [--port 3001] [--runbooks local/runbooks]

Runs the SSM Automation simulator: SSM's JSON 1.1 wire protocol with SigV4 for
StartAutomationExecution, GetAutomationExecution, DescribeAutomationStepExecutions,
SendAutomationSignal and StopAutomationExecution.

Options:
  --host <address>    address to listen on (default 127.0.0.1)
  --port <number>     port to listen on; 0 picks a free one (default 3001)
  --runbooks <dir>    directory of runbooks, one .yaml/.yml/.json document each
                      (default local/runbooks)
  -h, --help          show this help

Point clients at it with the region us-east-1 and one of the local principals'
access keys (secrets: local/simulator/principals.ts), e.g.
  AWS_ACCESS_KEY_ID=AKIALOCALOPERATOR001 AWS_SECRET_ACCESS_KEY=... \\
  aws ssm start-automation-execution --document-name Demo-ApproveChange \\
    --endpoint-url http://127.0.0.1:3001 --region us-east-1
`;

class UsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}

const options = () => {
  try {
    return parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '3001' },
        runbooks: { type: 'string', default: DEFAULT_RUNBOOK_DIR },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (cause) {
    throw new UsageError(cause instanceof Error ? cause.message : String(cause), { cause });
  }
};

const main = async (): Promise<void> => {
  const values = options();
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535)
    throw new UsageError(`--port must be 0-65535, not ${values.port}`);
  const simulator = await startSimulator({ host: values.host, port, runbookDir: values.runbooks });
  process.stdout.write(`SSM Automation simulator listening on ${simulator.url}\n`);
  const names = simulator.engine.documentNames;
  process.stdout.write(
    `Runbooks: ${names.length > 0 ? names.join(', ') : `none found in ${values.runbooks}`}\n`,
  );
  process.stdout.write('Principals (access key id → ARN):\n');
  for (const [accessKeyId, principal] of Object.entries(DEFAULT_LOCAL_PRINCIPALS)) {
    process.stdout.write(`  ${accessKeyId} → ${principal.arn}\n`);
  }
  const shutdown = (): void => {
    void simulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
};

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(error instanceof UsageError ? `${message}\n\n${USAGE}` : `${message}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
