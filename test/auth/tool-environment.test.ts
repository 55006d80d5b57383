/**
 * What the tools take from their environment (issue "Harden what exists", item 17): `npm run link` builds
 * its default base URL from PORT, as `npm start` listens on it; `--secret-id` with an ARN uses the ARN's
 * region for Secrets Manager, whatever AWS_REGION says.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processDependencies, regionOfSecretId, type ToolDependencies } from '../../local/cli';
import { defaultBaseUrl, LINK_USAGE, parseLinkArguments, runLinkCommand } from '../../local/link';
import { UsageError } from '../../local/secret-store';
import { describeError, EXECUTION_ID, KEY, thrownBy } from './fixtures';

describe('npm run link and PORT', () => {
  it.each<[NodeJS.ProcessEnv, string]>([
    [{}, 'http://127.0.0.1:3000'],
    [{ PORT: '4000' }, 'http://127.0.0.1:4000'],
    [{ PORT: '1' }, 'http://127.0.0.1:1'],
    [{ PORT: '65535' }, 'http://127.0.0.1:65535'],
    [{ PORT: '08080' }, 'http://127.0.0.1:8080'],
  ])('%j → %s', (env, expected) => {
    expect(defaultBaseUrl(env)).toBe(expected);
  });

  it.each(['', 'abc', '0', '65536', '-1', '3000 ', '1e3', '123456'])('refuses PORT=%j', (port) => {
    const error = thrownBy(() => defaultBaseUrl({ PORT: port }));

    expect(error).toBeInstanceOf(UsageError);
    expect(describeError(error)).toEqual({
      name: 'UsageError',
      message: `Invalid PORT "${port}": the default --base-url uses it as the local API's port, so use 1 to 65535 (or give --base-url)`,
    });
  });

  it('uses PORT when no --base-url is given, and --base-url over any PORT', () => {
    const argv = [EXECUTION_ID, '--action', 'approve'];

    const fromPort = parseLinkArguments(argv, '/repo', { PORT: '4000' });
    const given = parseLinkArguments([...argv, '--base-url', 'https://a.example'], '/repo', { PORT: 'nope' });

    expect(fromPort !== 'help' && fromPort.baseUrl).toBe('http://127.0.0.1:4000');
    expect(given !== 'help' && given.baseUrl).toBe('https://a.example');
  });

  it('prints links on $PORT, and exits 2 for an invalid PORT', async () => {
    // Given
    const directory = await mkdtemp(join(tmpdir(), 'link-port-'));
    const file = join(directory, 'secrets.json');
    await writeFile(file, JSON.stringify({ activeLinkKeyId: 'k1', 'linkKey.k1': KEY.k1 }));
    const stdout: string[] = [];
    const stderr: string[] = [];
    const dependencies = (env: NodeJS.ProcessEnv): ToolDependencies => ({
      stdout: (text) => stdout.push(text),
      stderr: (text) => stderr.push(text),
      secretsManager: () => {
        throw new Error('not used');
      },
      env,
    });

    // When
    const ok = await runLinkCommand(
      [EXECUTION_ID, '--action', 'stop', '--secret-file', file],
      dependencies({ PORT: '4123' }),
    );
    const bad = await runLinkCommand(
      [EXECUTION_ID, '--action', 'stop', '--secret-file', file],
      dependencies({ PORT: 'x' }),
    );

    // Then
    expect(ok).toBe(0);
    expect(stdout[0]).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:4123/executions/${EXECUTION_ID}/stop\\?token=[A-Za-z0-9_.-]+\\n$`),
    );
    expect(bad).toBe(2);
    expect(stderr[1]).toBe(
      `Error: Invalid PORT "x": the default --base-url uses it as the local API's port, so use 1 to 65535 (or give --base-url)\nRun with --help for usage.\n`,
    );
    await rm(directory, { recursive: true, force: true });
  });

  it('says so in its help', () => {
    expect(LINK_USAGE).toContain(
      '  --base-url    where the webhook listens (default http://127.0.0.1:$PORT, the local runner, which\n' +
        '                listens on $PORT too; port 3000 when PORT is not set);\n',
    );
  });
});

describe('--secret-id and its region', () => {
  it.each<[string, string | undefined]>([
    ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:webhook-AbCdEf', 'eu-west-1'],
    ['arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:webhook-AbCdEf', 'cn-north-1'],
    ['arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:x', 'us-gov-west-1'],
    ['webhook-secret', undefined],
    ['arn:aws:ssm:eu-west-1:123456789012:parameter/x', undefined],
    ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:', undefined],
  ])('%s → %s', (secretId, region) => {
    expect(regionOfSecretId(secretId)).toBe(region);
  });

  it("gives the tools a client in the ARN's region, and the configured one for a name", async () => {
    // Given: the environment configures another region (test/setup-env.ts sets us-east-1 if unset)
    const configured = process.env.AWS_REGION;
    const dependencies = processDependencies();

    // When
    const byArn = dependencies.secretsManager(
      'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:w-AbCdEf',
    );
    const again = dependencies.secretsManager(
      'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:other',
    );
    const byName = dependencies.secretsManager('webhook');

    // Then
    expect(await byArn.config.region()).toBe('ap-southeast-2');
    expect(again).toBe(byArn);
    expect(await byName.config.region()).toBe(configured);
    expect(configured).not.toBe('ap-southeast-2');
  });
});
