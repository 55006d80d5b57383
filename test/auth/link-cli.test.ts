import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { decodeJwt } from 'jose';
import { verifyLinkToken } from '../../lambda/auth/link-token';
import { parseSecretDocument } from '../../lambda/auth/secret-document';
import type { ToolDependencies } from '../../local/cli';
import {
  LINK_USAGE,
  type LinkOptions,
  parseBaseUrl,
  parseDuration,
  parseLinkArguments,
  runLinkCommand,
} from '../../local/link';
import { UsageError } from '../../local/secret-store';
import { authConfig, describeError, EXECUTION_ID, KEY, thrownBy } from './fixtures';

const NOW = new Date('2025-06-01T12:00:00.000Z');
const NOW_S = NOW.getTime() / 1000;

describe('parseDuration', () => {
  it.each<[string, number]>([
    ['90s', 90],
    ['1m', 60],
    ['30m', 1800],
    ['12h', 43_200],
    ['24h', 86_400],
    ['7d', 604_800],
    ['30d', 2_592_000],
    ['9999999s', 9_999_999],
  ])('%s → %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', '10', 'h', '0m', '01h', '1.5h', '-1h', '1w', '1H', ' 1h', '1h ', '1h30m', '10000000s'])(
    'refuses %j',
    (text) => {
      const error = thrownBy(() => parseDuration(text));

      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toBe(
        `Invalid duration "${text}": use a whole number and a unit s, m, h or d, e.g. 30m, 12h, 7d`,
      );
    },
  );
});

describe('parseBaseUrl', () => {
  it.each<[string, string]>([
    ['http://127.0.0.1:3000', 'http://127.0.0.1:3000'],
    ['http://127.0.0.1:3000/', 'http://127.0.0.1:3000'],
    [
      'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/',
      'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
    ],
    ['HTTPS://Approvals.Example.COM', 'https://approvals.example.com'],
  ])('%s → %s', (text, expected) => {
    expect(parseBaseUrl(text)).toBe(expected);
  });

  it.each<[string, string]>([
    ['approvals.example.com', 'Invalid --base-url "approvals.example.com": not an absolute URL'],
    ['ftp://example.com', 'Invalid --base-url "ftp://example.com": use http or https'],
    ['javascript:alert(1)', 'Invalid --base-url "javascript:alert(1)": use http or https'],
    [
      'https://user:pw@example.com',
      'Invalid --base-url "https://user:pw@example.com": no credentials, query or fragment',
    ],
    [
      'https://example.com/?a=1',
      'Invalid --base-url "https://example.com/?a=1": no credentials, query or fragment',
    ],
    [
      'https://example.com/#x',
      'Invalid --base-url "https://example.com/#x": no credentials, query or fragment',
    ],
  ])('refuses %s', (text, message) => {
    expect(describeError(thrownBy(() => parseBaseUrl(text)))).toEqual({ name: 'UsageError', message });
  });
});

describe('parseLinkArguments', () => {
  it('applies the defaults', () => {
    expect(parseLinkArguments([EXECUTION_ID, '--action', 'approve'], '/repo', {})).toEqual<LinkOptions>({
      executionId: EXECUTION_ID,
      actions: ['approve'],
      approver: 'link holder',
      ttlSeconds: 86_400,
      baseUrl: 'http://127.0.0.1:3000',
      source: { kind: 'file', path: '/repo/.local/secrets.json' },
    });
  });

  it('reads every option', () => {
    const argv = [
      '--action',
      'reject',
      EXECUTION_ID,
      '--action=stop',
      '--approver',
      'alice@example.com',
      '--ttl',
      '30m',
      '--base-url',
      'https://approvals.example.com/',
      '--secret-id',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x',
    ];

    expect(parseLinkArguments(argv, '/repo')).toEqual<LinkOptions>({
      executionId: EXECUTION_ID,
      actions: ['reject', 'stop'],
      approver: 'alice@example.com',
      ttlSeconds: 1800,
      baseUrl: 'https://approvals.example.com',
      source: { kind: 'secrets-manager', secretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x' },
    });
  });

  it.each([['--help'], ['-h'], [EXECUTION_ID, '--action', 'nope', '--help']])(
    '%j asks for help',
    (...argv) => {
      expect(parseLinkArguments(argv)).toBe('help');
    },
  );

  it.each<[string[], string]>([
    [['--action', 'approve'], 'Expected exactly one execution id, got 0 arguments'],
    [
      [EXECUTION_ID, EXECUTION_ID, '--action', 'approve'],
      'Expected exactly one execution id, got 2 arguments',
    ],
    [['i-123', '--action', 'approve'], 'Invalid execution id "i-123": expected a UUID (36 characters)'],
    [[EXECUTION_ID], 'Missing --action: give at least one of approve, reject, stop'],
    [[EXECUTION_ID, '--action', 'signal'], 'Invalid --action "signal": use approve, reject, stop'],
    [
      [EXECUTION_ID, '--action', 'approve', '--action', 'approve'],
      '--action approve is given more than once',
    ],
    [
      [EXECUTION_ID, '--action', 'approve', '--approver', ''],
      'Invalid --approver: use 1 to 128 characters, not only spaces, without control characters',
    ],
    [
      [EXECUTION_ID, '--action', 'approve', '--approver', 'a'.repeat(129)],
      'Invalid --approver: use 1 to 128 characters, not only spaces, without control characters',
    ],
    [
      [EXECUTION_ID, '--action', 'approve', '--ttl', '59s'],
      'Invalid --ttl "59s": a link must live from 1m to 30d',
    ],
    [
      [EXECUTION_ID, '--action', 'approve', '--ttl', '31d'],
      'Invalid --ttl "31d": a link must live from 1m to 30d',
    ],
    [
      [EXECUTION_ID, '--action', 'approve', '--ttl', 'soon'],
      'Invalid duration "soon": use a whole number and a unit s, m, h or d, e.g. 30m, 12h, 7d',
    ],
    [
      [EXECUTION_ID, '--action', 'approve', '--base-url', 'example.com'],
      'Invalid --base-url "example.com": not an absolute URL',
    ],
    [
      [EXECUTION_ID, '--action', 'approve', '--secret-file', 'a', '--secret-id', 'b'],
      'Use either --secret-file or --secret-id, not both',
    ],
    [[EXECUTION_ID, '--action'], "Option '--action <value>' argument missing"],
  ])('refuses %j', (argv, message) => {
    const error = thrownBy(() => parseLinkArguments(argv, '/repo'));

    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(message);
  });

  it("passes on node's message for an unknown option", () => {
    const error = thrownBy(() =>
      parseLinkArguments([EXECUTION_ID, '--action', 'approve', '--verbose'], '/repo'),
    );

    expect(error).toBeInstanceOf(UsageError);
    // The rest of the sentence is node's wording, which differs between versions.
    expect((error as Error).message).toMatch(/^Unknown option '--verbose'/);
  });
});

describe('runLinkCommand', () => {
  let directory: string;
  let stdout: string[];
  let stderr: string[];
  const client = new SecretsManagerClient({ region: 'eu-west-1' });
  const secretsManager = mockClient(client);
  const dependencies = (): ToolDependencies => ({
    stdout: (text) => stdout.push(text),
    stderr: (text) => stderr.push(text),
    secretsManager: () => client,
    now: () => NOW,
    cwd: directory,
    env: {},
  });

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'link-cli-'));
    stdout = [];
    stderr = [];
    secretsManager.reset();
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  it('prints one link per action, each carrying only its action, signed by the given file', async () => {
    // Given
    const file = join(directory, 'secrets.json');
    await writeFile(file, JSON.stringify({ activeLinkKeyId: 'k1', 'linkKey.k1': KEY.k1 }));
    const argv = [
      EXECUTION_ID,
      '--action',
      'approve',
      '--action',
      'reject',
      '--approver',
      'alice@example.com',
    ];

    // When
    const code = await runLinkCommand([...argv, '--ttl', '2h', '--secret-file', file], dependencies());

    // Then
    expect(code).toBe(0);
    expect(stdout).toHaveLength(1);
    const lines = (stdout[0] as string).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    const expected = ['approve', 'reject'] as const;
    for (const [index, action] of expected.entries()) {
      const prefix = `http://127.0.0.1:3000/executions/${EXECUTION_ID}/${action}?token=`;
      const line = lines[index] as string;
      expect(line.startsWith(prefix)).toBe(true);
      const token = line.slice(prefix.length);
      const claims = await verifyLinkToken(authConfig({}), token, NOW);
      expect(claims).toEqual({
        executionId: EXECUTION_ID,
        actions: [action],
        approver: 'alice@example.com',
        issuedAt: NOW,
        expiresAt: new Date((NOW_S + 7200) * 1000),
        tokenId: decodeJwt(token).jti,
        keyId: 'k1',
      });
    }
    expect(stderr).toEqual(['Links for "alice@example.com", valid until 2025-06-01T14:00:00.000Z.\n']);
  });

  it('creates the local store on first use and signs with its local-1 key', async () => {
    const code = await runLinkCommand([EXECUTION_ID, '--action', 'stop'], dependencies());

    expect(code).toBe(0);
    const config = parseSecretDocument(await readFile(join(directory, '.local', 'secrets.json'), 'utf8'));
    const token = (stdout[0] as string).trim().split('?token=')[1] as string;
    expect(await verifyLinkToken(config, token, NOW)).toMatchObject({
      keyId: 'local-1',
      approver: 'link holder',
    });
    expect(stderr).toEqual(['Link for "link holder", valid until 2025-06-02T12:00:00.000Z.\n']);
  });

  it('reads the deployed secret with --secret-id', async () => {
    // Given
    const secretId = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:webhook-AbCdEf';
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ activeLinkKeyId: 'k0', 'linkKey.k0': KEY.k0 }) });
    const base = 'https://abc123.execute-api.eu-west-1.amazonaws.com';

    // When
    const code = await runLinkCommand(
      [EXECUTION_ID, '--action', 'approve', '--secret-id', secretId, '--base-url', base],
      dependencies(),
    );

    // Then
    expect(code).toBe(0);
    expect(secretsManager.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input)).toEqual([
      { SecretId: secretId },
    ]);
    const token = (stdout[0] as string).trim().split('?token=')[1] as string;
    expect(stdout[0]).toBe(`${base}/executions/${EXECUTION_ID}/approve?token=${token}\n`);
    expect((await verifyLinkToken(authConfig({ keys: { k0: true }, active: 'k0' }), token, NOW)).keyId).toBe(
      'k0',
    );
  });

  it('prints the help on stdout with exit code 0', async () => {
    expect(await runLinkCommand(['--help'], dependencies())).toBe(0);
    expect(stdout).toEqual([LINK_USAGE]);
    expect(stderr).toEqual([]);
  });

  it('exits 2 with the problem on stderr for a usage error', async () => {
    expect(await runLinkCommand(['nope', '--action', 'approve'], dependencies())).toBe(2);
    expect(stdout).toEqual([]);
    expect(stderr).toEqual([
      'Error: Invalid execution id "nope": expected a UUID (36 characters)\nRun with --help for usage.\n',
    ]);
  });

  it('exits 1 for an unusable secret file', async () => {
    const file = join(directory, 'bad.json');
    await writeFile(file, '{}');

    expect(
      await runLinkCommand([EXECUTION_ID, '--action', 'approve', '--secret-file', file], dependencies()),
    ).toBe(1);
    expect(stdout).toEqual([]);
    expect(stderr).toEqual(['Error: ConfigurationError: Invalid auth secret: no "linkKey.<kid>" property\n']);
  });
});
