import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { hashApiToken, verifyApiToken } from '../../lambda/auth/api-token';
import { parseSecretDocument } from '../../lambda/auth/secret-document';
import type { ToolDependencies } from '../../local/cli';
import { PENDING_VERSION_STAGE, UsageError } from '../../local/secret-store';
import { parseTokenArguments, runTokenCommand, TOKEN_USAGE, type TokenCommand } from '../../local/token';
import { KEY, thrownBy } from './fixtures';

describe('parseTokenArguments', () => {
  it.each<[string[], TokenCommand]>([
    [
      ['create', 'jira', '--actions', 'approve,reject', '--runbooks', 'Change-*'],
      {
        command: 'create',
        name: 'jira',
        scope: { actions: ['approve', 'reject'], runbooks: ['Change-*'] },
        source: { kind: 'file', path: '/repo/.local/secrets.json' },
      },
    ],
    [
      ['create', 'ops', '--actions', ' stop , complete ', '--runbooks', 'Deploy-?,Ops-*'],
      {
        command: 'create',
        name: 'ops',
        scope: { actions: ['stop', 'complete'], runbooks: ['Deploy-?', 'Ops-*'] },
        source: { kind: 'file', path: '/repo/.local/secrets.json' },
      },
    ],
    [
      ['revoke', 'a.b_c-1'],
      { command: 'revoke', name: 'a.b_c-1', source: { kind: 'file', path: '/repo/.local/secrets.json' } },
    ],
    [
      ['list', '--secret-file', '/tmp/s.json'],
      { command: 'list', source: { kind: 'file', path: '/tmp/s.json' } },
    ],
    [
      ['--secret-id', 'arn:x', 'list'],
      { command: 'list', source: { kind: 'secrets-manager', secretId: 'arn:x' } },
    ],
  ])('%j', (argv, expected) => {
    expect(parseTokenArguments(argv, '/repo')).toEqual(expected);
  });

  it.each([['--help'], ['create', '-h']])('%j asks for help', (...argv) => {
    expect(parseTokenArguments(argv, '/repo')).toBe('help');
  });

  it.each<[string[], string]>([
    [[], 'Missing command: create, list or revoke'],
    [['delete', 'jira'], 'Unknown command "delete": use create, list or revoke'],
    [['create'], '"create" takes exactly one client name'],
    [
      ['create', 'jira'],
      '"create" needs --actions (approve, reject, stop, signal, complete) and --runbooks (name patterns, \'*\' for all)',
    ],
    [
      ['create', 'jira', '--actions', 'approve,deploy', '--runbooks', '*'],
      'Invalid --actions "approve,deploy": a comma-separated list of distinct values from approve, reject, stop, signal, complete',
    ],
    [
      ['create', 'jira', '--actions', 'approve', '--runbooks', 'Change/*'],
      'Invalid --runbooks "Change/*": 1 to 20 comma-separated patterns of A-Z a-z 0-9 _ . - and the wildcards * ?',
    ],
    [
      ['list', '--actions', 'approve'],
      '--actions and --runbooks are only for "create"; "list" does not take them',
    ],
    [['revoke', 'a', 'b'], '"revoke" takes exactly one client name'],
    [['list', 'jira'], '"list" takes no arguments'],
    [['create', 'my client'], 'Invalid client name "my client": use 1-64 characters from A-Z a-z 0-9 . _ -'],
    [
      ['create', 'n'.repeat(65)],
      `Invalid client name "${'n'.repeat(65)}": use 1-64 characters from A-Z a-z 0-9 . _ -`,
    ],
    [['list', '--secret-file', 'a', '--secret-id', 'b'], 'Use either --secret-file or --secret-id, not both'],
  ])('refuses %j', (argv, message) => {
    const error = thrownBy(() => parseTokenArguments(argv, '/repo'));

    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(message);
  });
});

describe('runTokenCommand', () => {
  let directory: string;
  let file: string;
  let stdout: string[];
  let stderr: string[];
  const client = new SecretsManagerClient({ region: 'eu-west-1' });
  const secretsManager = mockClient(client);
  const dependencies = (): ToolDependencies => ({
    stdout: (text) => stdout.push(text),
    stderr: (text) => stderr.push(text),
    secretsManager: () => client,
    cwd: directory,
  });
  const run = (...argv: string[]) => runTokenCommand(argv, dependencies());

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'token-cli-'));
    file = join(directory, '.local', 'secrets.json');
    stdout = [];
    stderr = [];
    secretsManager.reset();
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  it('creates a token: only the token on stdout, its hash in the local store, the note on stderr', async () => {
    // When
    const code = await run('create', 'jira', '--actions', 'approve,reject', '--runbooks', 'Change-*');

    // Then
    expect(code).toBe(0);
    expect(stdout).toHaveLength(1);
    expect(stdout[0]).toMatch(/^sawh_[A-Za-z0-9_-]{43}\n$/);
    const token = (stdout[0] as string).trim();
    const stored = await readFile(file, 'utf8');
    expect(stored).not.toContain(token);
    expect(JSON.parse(stored).apiClients).toEqual([
      {
        name: 'jira',
        sha256: hashApiToken(token).toString('hex'),
        actions: ['approve', 'reject'],
        runbooks: ['Change-*'],
      },
    ]);
    expect(verifyApiToken(parseSecretDocument(stored), token)).toEqual({
      clientName: 'jira',
      scope: { actions: ['approve', 'reject'], runbooks: ['Change-*'] },
    });
    expect(stderr).toEqual([
      `Created API client "jira" in ${file}, allowed to approve, reject on runbooks matching Change-*.\n` +
        "The token above is shown only this once and is NOT stored (only its SHA-256 hash is): keep it in the client's secret store now.\n" +
        'The client sends it as "Authorization: Bearer <token>".\n',
    ]);
  });

  it('lists each client with its scope, refuses a duplicate (exit 1) and revokes', async () => {
    await run('create', 'jira', '--actions', 'approve,reject', '--runbooks', 'Change-*');
    await run('create', 'servicenow', '--actions', 'approve,reject,stop', '--runbooks', '*');
    // An entry stored before scopes existed, as an older version wrote it.
    const document = JSON.parse(await readFile(file, 'utf8'));
    document.apiClients.push({ name: 'old-bot', sha256: 'a'.repeat(64) });
    await writeFile(file, JSON.stringify(document));
    stdout = [];
    stderr = [];

    expect(await run('list')).toBe(0);
    expect(stdout).toEqual([
      'jira  actions=approve,reject  runbooks=Change-*\n' +
        'servicenow  actions=approve,reject,stop  runbooks=*\n' +
        'old-bot  actions=approve,reject  runbooks=*  (stored without a scope: re-create it to narrow it)\n',
    ]);

    expect(await run('create', 'jira', '--actions', 'approve,reject', '--runbooks', 'Change-*')).toBe(1);
    expect(stderr).toEqual([
      'Error: SecretDocumentError: An API client named "jira" already exists; revoke it first\n',
    ]);

    stdout = [];
    stderr = [];
    expect(await run('revoke', 'jira')).toBe(0);
    expect(stderr).toEqual([
      `Revoked API client "jira" in ${file}. Functions that cached the secret may accept its token until their cache expires (5 minutes by default).\n`,
    ]);
    expect(await run('list')).toBe(0);
    expect(stdout[0]).toMatch(/^servicenow {2}/);
  });

  it('says so on stderr when there are no clients', async () => {
    expect(await run('list')).toBe(0);
    expect(stdout).toEqual([]);
    expect(stderr).toEqual([`No API clients in ${file}.\n`]);
  });

  it('exits 1 when revoking an unknown client', async () => {
    expect(await run('revoke', 'nobody')).toBe(1);
    expect(stderr).toEqual(['Error: SecretDocumentError: No API client named "nobody"\n']);
  });

  it('exits 2 for a usage error and 0 for --help', async () => {
    expect(await run('create')).toBe(2);
    expect(stderr).toEqual(['Error: "create" takes exactly one client name\nRun with --help for usage.\n']);
    expect(await run('--help')).toBe(0);
    expect(stdout).toEqual([TOKEN_USAGE]);
  });

  it('creates a client in the deployed secret with --secret-id (GetSecretValue, PutSecretValue, UpdateSecretVersionStage)', async () => {
    // Given
    const secretId = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:webhook-AbCdEf';
    const deployed = { activeLinkKeyId: 'k1', 'linkKey.k1': KEY.k1 };
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify(deployed), VersionId: 'read-version' });
    secretsManager.on(PutSecretValueCommand).resolves({});
    secretsManager.on(UpdateSecretVersionStageCommand).resolves({});

    // When
    const code = await run(
      'create',
      'jira',
      '--actions',
      'approve,reject',
      '--runbooks',
      'Change-*',
      '--secret-id',
      secretId,
    );

    // Then
    expect(code).toBe(0);
    const token = (stdout[0] as string).trim();
    expect(secretsManager.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input)).toEqual([
      { SecretId: secretId },
    ]);
    const puts = secretsManager.commandCalls(PutSecretValueCommand).map((call) => call.args[0].input);
    expect(puts).toEqual([
      {
        SecretId: secretId,
        ClientRequestToken: expect.stringMatching(/^[0-9a-f-]{36}$/),
        SecretString: JSON.stringify({
          ...deployed,
          apiClients: [
            {
              name: 'jira',
              sha256: hashApiToken(token).toString('hex'),
              actions: ['approve', 'reject'],
              runbooks: ['Change-*'],
            },
          ],
        }),
        VersionStages: [PENDING_VERSION_STAGE],
      },
    ]);
    expect(
      secretsManager.commandCalls(UpdateSecretVersionStageCommand).map((call) => call.args[0].input),
    ).toEqual([
      {
        SecretId: secretId,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: puts[0]?.ClientRequestToken,
        RemoveFromVersionId: 'read-version',
      },
    ]);
    expect(stderr[0]).toBe(
      `Created API client "jira" in Secrets Manager secret ${secretId}, allowed to approve, reject on runbooks matching Change-*.\n` +
        "The token above is shown only this once and is NOT stored (only its SHA-256 hash is): keep it in the client's secret store now.\n" +
        'The client sends it as "Authorization: Bearer <token>".\n',
    );
  });

  it('reports a Secrets Manager failure with exit 1', async () => {
    const denied = Object.assign(
      new Error('User is not authorized to perform: secretsmanager:GetSecretValue'),
      {
        name: 'AccessDeniedException',
      },
    );
    secretsManager.on(GetSecretValueCommand).rejects(denied);

    expect(await run('list', '--secret-id', 'webhook')).toBe(1);
    expect(stderr).toEqual([
      'Error: AccessDeniedException: User is not authorized to perform: secretsmanager:GetSecretValue\n',
    ]);
  });
});
