import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
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
import { signLinkToken, verifyLinkToken } from '../../lambda/auth/link-token';
import { validateSecretDocument } from '../../lambda/auth/secret-document';
import {
  addApiClient,
  defaultSecretFilePath,
  listApiClients,
  nextLocalKeyId,
  PENDING_VERSION_STAGE,
  readSecretFile,
  revokeApiClient,
  rotateLocalLinkKey,
  type SecretSource,
  secretSourceFromOptions,
  UsageError,
  writeSecretFile,
} from '../../local/secret-store';
import { describeError, EXECUTION_ID, JIRA_SHA256, JIRA_TOKEN, KEY, rejectionOf, thrownBy } from './fixtures';

const counting = Buffer.from(Array.from({ length: 32 }, (_, index) => index));
const COUNTING_KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

let directory: string;
let path: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'secret-store-'));
  path = join(directory, '.local', 'secrets.json');
});
afterEach(() => rm(directory, { recursive: true, force: true }));

describe('the local secret file', () => {
  it('is created on first read with a fresh local-1 key, mode 0600 in a 0700 directory', async () => {
    // When
    const document = await readSecretFile(path, () => counting);

    // Then
    const expected = { activeLinkKeyId: 'local-1', 'linkKey.local-1': COUNTING_KEY, apiClients: [] };
    expect(document).toEqual(expected);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(expected);
    expect(await mode(path)).toBe(0o600);
    expect(await mode(join(directory, '.local'))).toBe(0o700);
  });

  it('is read back as it is on later reads (no new key)', async () => {
    const first = await readSecretFile(path);
    const second = await readSecretFile(path, () => counting);

    expect(second).toEqual(first);
    expect(first['linkKey.local-1']).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses an invalid file instead of replacing it', async () => {
    await readSecretFile(path);
    await writeFile(path, '{"activeLinkKeyId": "nope"}');

    const error = await rejectionOf(readSecretFile(path));

    expect(describeError(error)).toEqual({
      name: 'ConfigurationError',
      message: 'Invalid auth secret: no "linkKey.<kid>" property',
    });
    expect(await readFile(path, 'utf8')).toBe('{"activeLinkKeyId": "nope"}');
  });

  it('is written whole, mode 0600, leaving no temporary file', async () => {
    await writeFile(join(directory, 'loose.json'), 'x', { mode: 0o644 });
    const target = join(directory, 'loose.json');
    const document = { activeLinkKeyId: 'k1', 'linkKey.k1': KEY.k1 };

    await writeSecretFile(target, document);

    expect(await readFile(target, 'utf8')).toBe(
      `{\n  "activeLinkKeyId": "k1",\n  "linkKey.k1": "${KEY.k1}"\n}\n`,
    );
    expect(await mode(target)).toBe(0o600);
    expect((await readdir(directory)).sort()).toEqual(['loose.json']);
  });

  it('is never written invalid', async () => {
    await readSecretFile(path);
    const before = await readFile(path, 'utf8');

    const error = await rejectionOf(writeSecretFile(path, { activeLinkKeyId: 'k1' }));

    expect((error as Error).name).toBe('ConfigurationError');
    expect(await readFile(path, 'utf8')).toBe(before);
  });

  it('rotates the link key: local-2 signs, local-1 keeps verifying', async () => {
    // Given
    const original = validateSecretDocument(await readSecretFile(path));
    const input = {
      executionId: EXECUTION_ID,
      actions: ['approve'] as const,
      approver: 'a',
      ttlSeconds: 600,
    };
    const oldLink = await signLinkToken(original, { ...input, actions: ['approve'] });

    // When
    const kid = await rotateLocalLinkKey(path, () => counting);

    // Then
    const rotated = await readSecretFile(path);
    expect(kid).toBe('local-2');
    expect(rotated).toEqual({
      activeLinkKeyId: 'local-2',
      'linkKey.local-1': expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      'linkKey.local-2': COUNTING_KEY,
      apiClients: [],
    });
    const config = validateSecretDocument(rotated);
    expect((await verifyLinkToken(config, oldLink)).keyId).toBe('local-1');
    expect(
      (await verifyLinkToken(config, await signLinkToken(config, { ...input, actions: ['approve'] }))).keyId,
    ).toBe('local-2');
    expect(await rotateLocalLinkKey(path)).toBe('local-3');
  });

  it('nextLocalKeyId counts from the highest local-<n> key', () => {
    expect(nextLocalKeyId({ activeLinkKeyId: 'k1', 'linkKey.k1': KEY.k1 })).toBe('local-1');
    expect(
      nextLocalKeyId({ 'linkKey.local-2': KEY.k1, 'linkKey.local-10': KEY.k0, 'linkKey.k7': KEY.k9 }),
    ).toBe('local-11');
  });

  it('defaults to .local/secrets.json under the working directory', () => {
    expect(defaultSecretFilePath('/repo')).toBe('/repo/.local/secrets.json');
  });
});

describe('API clients in the local file', () => {
  const dependencies = {
    secretsManager: (): never => {
      throw new Error('a file source must not use Secrets Manager');
    },
    randomBytes: () => counting,
  };
  const source = (): SecretSource => ({ kind: 'file', path });

  it('adds a client storing only the hash, lists and revokes it', async () => {
    // When
    const created = await addApiClient(source(), 'jira', dependencies);
    const names = await listApiClients(source(), dependencies);
    const stored = await readFile(path, 'utf8');

    // Then
    expect(created).toEqual({ token: JIRA_TOKEN, entry: { name: 'jira', sha256: JIRA_SHA256 } });
    expect(names).toEqual(['jira']);
    expect(JSON.parse(stored).apiClients).toEqual([{ name: 'jira', sha256: JIRA_SHA256 }]);
    expect(stored).not.toContain(JIRA_TOKEN);
    expect(verifyApiToken(validateSecretDocument(JSON.parse(stored)), JIRA_TOKEN)).toEqual({
      clientName: 'jira',
      scope: { actions: ['approve', 'reject'], runbooks: ['*'] },
    });

    // When
    await revokeApiClient(source(), 'jira', dependencies);

    // Then
    const afterRevoke = validateSecretDocument(await readSecretFile(path));
    expect(afterRevoke.apiClients).toEqual([]);
    expect(verifyApiToken(afterRevoke, JIRA_TOKEN)).toBeUndefined();
  });

  it('refuses a duplicate name and leaves the file unchanged', async () => {
    await addApiClient(source(), 'jira', dependencies);
    const before = await readFile(path, 'utf8');

    const error = await rejectionOf(
      addApiClient(source(), 'jira', { ...dependencies, randomBytes: undefined }),
    );

    expect(describeError(error)).toEqual({
      name: 'SecretDocumentError',
      message: 'An API client named "jira" already exists; revoke it first',
    });
    expect(await readFile(path, 'utf8')).toBe(before);
  });

  it('refuses to revoke an unknown client', async () => {
    const error = await rejectionOf(revokeApiClient(source(), 'nobody', dependencies));

    expect(describeError(error)).toEqual({
      name: 'SecretDocumentError',
      message: 'No API client named "nobody"',
    });
  });
});

describe('API clients in the deployed secret (mocked Secrets Manager)', () => {
  const SECRET_ID = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:webhook-AbCdEf';
  const client = new SecretsManagerClient({ region: 'eu-west-1' });
  const secretsManager = mockClient(client);
  const dependencies = { secretsManager: () => client, randomBytes: () => counting };
  const source: SecretSource = { kind: 'secrets-manager', secretId: SECRET_ID };
  const deployed = {
    activeLinkKeyId: 'k1',
    'linkKey.k1': KEY.k1,
    futureSetting: 'kept as it is',
    apiClients: [{ name: 'other', sha256: 'f'.repeat(64) }],
  };

  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const READ_VERSION = '11111111-1111-4111-8111-111111111111';
  const puts = () => secretsManager.commandCalls(PutSecretValueCommand).map((call) => call.args[0].input);
  const stageMoves = () =>
    secretsManager.commandCalls(UpdateSecretVersionStageCommand).map((call) => call.args[0].input);

  beforeEach(() => {
    secretsManager.reset();
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify(deployed), VersionId: READ_VERSION });
    secretsManager.on(PutSecretValueCommand).resolves({});
    secretsManager.on(UpdateSecretVersionStageCommand).resolves({});
  });

  it('adds a client: GetSecretValue, PutSecretValue of a pending version, then AWSCURRENT moved to it from the version read', async () => {
    const created = await addApiClient(source, 'jira', dependencies);

    expect(created.token).toBe(JIRA_TOKEN);
    expect(secretsManager.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input)).toEqual([
      { SecretId: SECRET_ID },
    ]);
    expect(puts()).toEqual([
      {
        SecretId: SECRET_ID,
        ClientRequestToken: expect.stringMatching(UUID),
        SecretString: JSON.stringify({
          ...deployed,
          apiClients: [
            ...deployed.apiClients,
            { name: 'jira', sha256: hashApiToken(JIRA_TOKEN).toString('hex') },
          ],
        }),
        VersionStages: [PENDING_VERSION_STAGE],
      },
    ]);
    expect(PENDING_VERSION_STAGE).toBe('ssm-approval-webhook-pending');
    expect(stageMoves()).toEqual([
      {
        SecretId: SECRET_ID,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: puts()[0]?.ClientRequestToken,
        RemoveFromVersionId: READ_VERSION,
      },
    ]);
  });

  it('refuses a duplicate without writing', async () => {
    const error = await rejectionOf(addApiClient(source, 'other', dependencies));

    expect((error as Error).message).toBe('An API client named "other" already exists; revoke it first');
    expect(secretsManager.commandCalls(PutSecretValueCommand)).toEqual([]);
  });

  it('revokes a client and lists the names', async () => {
    await revokeApiClient(source, 'other', dependencies);

    expect(await listApiClients(source, dependencies)).toEqual(['other']);
    expect(puts()).toEqual([
      {
        SecretId: SECRET_ID,
        ClientRequestToken: expect.stringMatching(UUID),
        SecretString: JSON.stringify({ ...deployed, apiClients: [] }),
        VersionStages: [PENDING_VERSION_STAGE],
      },
    ]);
    expect(stageMoves()).toHaveLength(1);
  });

  it('refuses a secret without a SecretString', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1]) });

    const error = await rejectionOf(listApiClients(source, dependencies));

    expect(describeError(error)).toEqual({
      name: 'Error',
      message: `The secret ${SECRET_ID} has no SecretString`,
    });
  });
});

describe('secretSourceFromOptions', () => {
  it.each<[Record<string, string>, SecretSource]>([
    [{}, { kind: 'file', path: '/repo/.local/secrets.json' }],
    [{ 'secret-file': '/tmp/s.json' }, { kind: 'file', path: '/tmp/s.json' }],
    [{ 'secret-id': 'my-secret' }, { kind: 'secrets-manager', secretId: 'my-secret' }],
  ])('%j → %j', (options, expected) => {
    expect(secretSourceFromOptions(options, '/repo')).toEqual(expected);
  });

  it.each<[Record<string, string>, string]>([
    [{ 'secret-file': '/a', 'secret-id': 'b' }, 'Use either --secret-file or --secret-id, not both'],
    [{ 'secret-file': '' }, '--secret-file needs a path'],
    [{ 'secret-id': '' }, '--secret-id needs a secret ARN or name'],
  ])('refuses %j', (options, message) => {
    const error = thrownBy(() => secretSourceFromOptions(options, '/repo'));

    expect(error).toBeInstanceOf(UsageError);
    expect(describeError(error)).toEqual({ name: 'UsageError', message });
  });
});
