/**
 * The standalone simulator command (local/simulator/cli.ts), run the way the README runs it.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  AutomationExecutionNotFoundException,
  GetAutomationExecutionCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { DEFAULT_LOCAL_PRINCIPALS } from '../../local/simulator/principals';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(ROOT, 'local', 'simulator', 'cli.ts');

const run = (args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(TSX, [CLI, ...args], { cwd: ROOT, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });

describe('simulator command', () => {
  it('--help prints the usage and exits 0', async () => {
    const result = await run(['--help']);

    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(
      'Usage: npx tsx local/simulator/cli.ts [--host 127.0.0.1] [--port 3001] [--runbooks local/runbooks]',
    );
    expect(result.stderr).toBe('');
  });

  it('refuses a bad port with the usage and exit code 2', async () => {
    const result = await run(['--port', 'abc']);

    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe('--port must be 0-65535, not abc');
    expect(result.stderr).toContain('Usage: npx tsx local/simulator/cli.ts');
  });

  it('fails with the file name when a runbook is invalid', async () => {
    const result = await run([
      '--port',
      '0',
      '--runbooks',
      join(ROOT, 'test', 'simulator', 'invalid-runbooks'),
    ]);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `Invalid runbook ${join(ROOT, 'test', 'simulator', 'invalid-runbooks', 'Broken-Runbook.yaml')}: mainSteps must be a non-empty list\n`,
    );
  });

  it('serves SSM on the port it prints, and stops on SIGTERM', async () => {
    const child: ChildProcess = spawn(TSX, [CLI, '--port', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(output);
          if (match?.[1]) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code} before listening: ${output}`)));
      });
      const principal = DEFAULT_LOCAL_PRINCIPALS.AKIALOCALOPERATOR001 as { secretAccessKey: string };
      const client = new SSMClient({
        endpoint: url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIALOCALOPERATOR001', secretAccessKey: principal.secretAccessKey },
        maxAttempts: 1,
      });

      await expect(
        client.send(
          new GetAutomationExecutionCommand({
            AutomationExecutionId: '11111111-2222-4333-8444-555555555555',
          }),
        ),
      ).rejects.toBeInstanceOf(AutomationExecutionNotFoundException);
      client.destroy();
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});
