import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import {
  clearAuthConfigCache,
  configSourceFromEnv,
  createFileConfigSource,
  createSecretsManagerConfigSource,
  loadAuthConfig,
  SECRETS_MANAGER_CLIENT_CONFIG,
} from '../../lambda/auth/config-source';
import { ConfigurationError } from '../../lambda/core/errors';
import { authConfig, describeError, JIRA_SHA256, KEY, rejectionOf, thrownBy } from './fixtures';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ssm-approval-webhook-AbCdEf';
const documentText = (active: 'k0' | 'k1' = 'k1') =>
  JSON.stringify({
    activeLinkKeyId: active,
    'linkKey.k0': KEY.k0,
    'linkKey.k1': KEY.k1,
    apiClients: [{ name: 'jira', sha256: JIRA_SHA256 }],
  });
const expectedConfig = (active: 'k0' | 'k1' = 'k1') =>
  authConfig({ keys: { k0: true, k1: true }, active, apiClients: [{ name: 'jira', sha256: JIRA_SHA256 }] });

const T0 = new Date('2025-06-01T12:00:00.000Z').getTime();
/** Fakes only Date (Powertools' cache clock); promises and real timers keep working. */
const fakeDateOnly = (): void => {
  jest.useFakeTimers({
    now: T0,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
};

describe('createSecretsManagerConfigSource (Powertools provider, mocked Secrets Manager)', () => {
  const client = new SecretsManagerClient({ region: 'eu-west-1' });
  const secretsManager = mockClient(client);
  let provider: SecretsProvider;

  beforeEach(() => {
    secretsManager.reset();
    provider = new SecretsProvider({ awsSdkV3Client: client });
    fakeDateOnly();
  });
  afterEach(() => jest.useRealTimers());

  const getCalls = () => secretsManager.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input);

  it('reads the secret by its ARN and returns the validated config', async () => {
    // Given
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: documentText() });
    const source = createSecretsManagerConfigSource(provider, SECRET_ARN, 300);

    // When
    const config = await source();

    // Then
    expect(config).toEqual(expectedConfig());
    expect(getCalls()).toEqual([{ SecretId: SECRET_ARN }]);
  });

  it('reads again within maxAge when asked for a fresh value (a key id it has not seen yet)', async () => {
    // Given
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: documentText('k1') })
      .resolvesOnce({ SecretString: documentText('k0') });
    const source = createSecretsManagerConfigSource(provider, SECRET_ARN, 300);
    const first = await source();

    // When
    const fresh = await source({ fresh: true });

    // Then
    expect(fresh).not.toBe(first);
    expect(fresh.activeLinkKeyId).toBe('k0');
    expect(getCalls()).toEqual([{ SecretId: SECRET_ARN }, { SecretId: SECRET_ARN }]);
  });

  it('uses the cached value up to maxAge and reads again after it', async () => {
    // Given
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: documentText('k1') })
      .resolvesOnce({ SecretString: documentText('k0') });
    const source = createSecretsManagerConfigSource(provider, SECRET_ARN, 300);

    // When / Then
    const first = await source();
    jest.setSystemTime(T0 + 299_000);
    expect(await source()).toBe(first);
    jest.setSystemTime(T0 + 300_000);
    expect(await source()).toBe(first);
    expect(getCalls()).toHaveLength(1);

    jest.setSystemTime(T0 + 300_001);
    const refreshed = await source();
    expect(refreshed).toEqual(expectedConfig('k0'));
    expect(getCalls()).toEqual([{ SecretId: SECRET_ARN }, { SecretId: SECRET_ARN }]);
  });

  it('keeps the same parsed config when a refetch returns the same document', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: documentText() });
    const source = createSecretsManagerConfigSource(provider, SECRET_ARN, 300);

    const first = await source();
    jest.setSystemTime(T0 + 301_000);
    const second = await source();

    expect(second).toBe(first);
    expect(getCalls()).toHaveLength(2);
  });

  it('reads every time with maxAge 0', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: documentText() });
    const source = createSecretsManagerConfigSource(provider, SECRET_ARN, 0);

    await source();
    await source();

    expect(getCalls()).toHaveLength(2);
  });

  it('turns a Secrets Manager failure into a ConfigurationError keeping the cause, and does not cache it', async () => {
    // Given
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(
        new ResourceNotFoundException({
          message: 'Secrets Manager can’t find the specified secret.',
          $metadata: {},
        }),
      )
      .resolves({ SecretString: documentText() });
    const source = createSecretsManagerConfigSource(provider, SECRET_ARN, 300);

    // When
    const error = await rejectionOf(source());

    // Then
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(describeError(error)).toEqual({
      name: 'ConfigurationError',
      message: `Could not read the auth secret ${SECRET_ARN} from Secrets Manager`,
      cause: { name: 'GetParameterError', message: 'Secrets Manager can’t find the specified secret.' },
    });
    expect(((error as Error).cause as Error).cause).toBeInstanceOf(ResourceNotFoundException);
    expect(await source()).toEqual(expectedConfig());
  });

  it('refuses a secret with only a SecretBinary', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2, 3]) });

    const error = await rejectionOf(createSecretsManagerConfigSource(provider, SECRET_ARN)());

    expect(describeError(error)).toEqual({
      name: 'ConfigurationError',
      message: `The auth secret ${SECRET_ARN} has no SecretString`,
    });
  });

  it('refuses an invalid document with the validation message', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: '{"activeLinkKeyId":"k1"}' });

    const error = await rejectionOf(createSecretsManagerConfigSource(provider, SECRET_ARN)());

    expect(describeError(error)).toEqual({
      name: 'ConfigurationError',
      message: 'Invalid auth secret: no "linkKey.<kid>" property',
    });
  });
});

describe('SECRETS_MANAGER_CLIENT_CONFIG', () => {
  let server: Server;
  let requests = 0;

  beforeAll(async () => {
    // A Secrets Manager endpoint that accepts connections and never answers.
    server = createServer(() => {
      requests += 1;
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });
  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  it('gives up on a silent endpoint after 2 attempts of 1.5 s each', async () => {
    // Given
    const client = new SecretsManagerClient({
      ...SECRETS_MANAGER_CLIENT_CONFIG,
      region: 'eu-west-1',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });

    // When
    const error = await rejectionOf(client.send(new GetSecretValueCommand({ SecretId: SECRET_ARN })));

    // Then
    expect((error as Error).name).toBe('TimeoutError');
    expect(requests).toBe(2);
    client.destroy();
  }, 20_000);
});

describe('createFileConfigSource', () => {
  const path = '/secrets/auth.json';
  let clock = T0;
  let reads: string[] = [];
  let contents: string[] = [];
  const readFile = async (file: string): Promise<string> => {
    reads.push(file);
    const next = contents.length > 1 ? contents.shift() : contents[0];
    if (next === undefined) {
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${file}'`), { code: 'ENOENT' });
    }
    return next;
  };

  beforeEach(() => {
    clock = T0;
    reads = [];
    contents = [];
  });

  it('reads the file and caches the config up to maxAge, then reads again', async () => {
    // Given
    contents = [documentText('k1'), documentText('k0')];
    const source = createFileConfigSource(path, { maxAgeSeconds: 300, now: () => clock, readFile });

    // When / Then
    const first = await source();
    expect(first).toEqual(expectedConfig('k1'));
    clock = T0 + 300_000;
    expect(await source()).toBe(first);
    expect(reads).toEqual([path]);

    clock = T0 + 300_001;
    expect(await source()).toEqual(expectedConfig('k0'));
    expect(reads).toEqual([path, path]);
  });

  it('reads every time with maxAge 0', async () => {
    contents = [documentText()];
    const source = createFileConfigSource(path, { maxAgeSeconds: 0, now: () => clock, readFile });

    await source();
    await source();

    expect(reads).toEqual([path, path]);
  });

  it('does not cache a failed read or an invalid document', async () => {
    // Given
    const source = createFileConfigSource(path, { maxAgeSeconds: 300, now: () => clock, readFile });

    // When: missing, then invalid, then valid
    const missing = await rejectionOf(source());
    contents = ['[]'];
    const invalid = await rejectionOf(source());
    contents = [documentText()];
    const config = await source();

    // Then
    expect(describeError(missing)).toEqual({
      name: 'ConfigurationError',
      message: `Could not read the auth secret file ${path}`,
      cause: { code: 'ENOENT', message: `ENOENT: no such file or directory, open '${path}'` },
    });
    expect(describeError(invalid)).toEqual({
      name: 'ConfigurationError',
      message: 'Invalid auth secret: the document must be a JSON object',
    });
    expect(config).toEqual(expectedConfig());
    expect(reads).toEqual([path, path, path]);
  });
});

describe('configSourceFromEnv and loadAuthConfig', () => {
  let directory: string;
  let file: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'auth-config-'));
    file = join(directory, 'secrets.json');
    await writeFile(file, documentText());
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));
  afterEach(() => clearAuthConfigCache());

  it.each<[string, Record<string, string>, string]>([
    ['neither variable', {}, 'Neither APP_SECRET_ARN nor APP_SECRET_FILE is set'],
    [
      'empty variables',
      { APP_SECRET_ARN: '', APP_SECRET_FILE: '' },
      'Neither APP_SECRET_ARN nor APP_SECRET_FILE is set',
    ],
    [
      'both variables',
      { APP_SECRET_ARN: SECRET_ARN, APP_SECRET_FILE: '/x' },
      'Both APP_SECRET_ARN and APP_SECRET_FILE are set; set exactly one',
    ],
    [
      'a negative max age',
      { APP_SECRET_FILE: '/x', APP_SECRET_MAX_AGE_SECONDS: '-1' },
      'APP_SECRET_MAX_AGE_SECONDS must be a whole number from 0 to 3600',
    ],
    [
      'a max age over an hour',
      { APP_SECRET_FILE: '/x', APP_SECRET_MAX_AGE_SECONDS: '3601' },
      'APP_SECRET_MAX_AGE_SECONDS must be a whole number from 0 to 3600',
    ],
    [
      'a fractional max age',
      { APP_SECRET_FILE: '/x', APP_SECRET_MAX_AGE_SECONDS: '1.5' },
      'APP_SECRET_MAX_AGE_SECONDS must be a whole number from 0 to 3600',
    ],
  ])('refuses %s', (_case, env, message) => {
    const error = thrownBy(() => configSourceFromEnv(env));

    expect(error).toBeInstanceOf(ConfigurationError);
    expect(describeError(error)).toEqual({ name: 'ConfigurationError', message });
  });

  it('reads the secret named by APP_SECRET_ARN through the given provider with maxAge 300 by default', async () => {
    // Given
    const get = jest.fn(async () => documentText());

    // When
    const config = await configSourceFromEnv(
      { APP_SECRET_ARN: SECRET_ARN },
      { secretsProvider: () => ({ get }) },
    )();

    // Then
    expect(config).toEqual(expectedConfig());
    expect(get.mock.calls).toEqual([[SECRET_ARN, { maxAge: 300, forceFetch: false }]]);
  });

  it('passes APP_SECRET_MAX_AGE_SECONDS to the provider', async () => {
    const get = jest.fn(async () => documentText());

    await configSourceFromEnv(
      { APP_SECRET_ARN: SECRET_ARN, APP_SECRET_MAX_AGE_SECONDS: '0' },
      { secretsProvider: () => ({ get }) },
    )();

    expect(get.mock.calls).toEqual([[SECRET_ARN, { maxAge: 0, forceFetch: false }]]);
  });

  it('reads the file named by APP_SECRET_FILE, caching with the given clock', async () => {
    let clock = T0;
    const source = configSourceFromEnv({ APP_SECRET_FILE: file }, { now: () => clock });

    const first = await source();
    await writeFile(file, documentText('k0'));
    clock = T0 + 300_000;
    const cached = await source();
    clock = T0 + 300_001;
    const reread = await source();
    await writeFile(file, documentText());

    expect(first).toEqual(expectedConfig('k1'));
    expect(cached).toBe(first);
    expect(reread).toEqual(expectedConfig('k0'));
  });

  it('loadAuthConfig keeps one source per environment, and rejects (not throws) on a bad environment', async () => {
    const env = { APP_SECRET_FILE: file };

    const first = await loadAuthConfig(env);
    const second = await loadAuthConfig({ ...env });
    const error = await rejectionOf(loadAuthConfig({}));

    expect(first).toEqual(expectedConfig());
    expect(second).toBe(first);
    expect(describeError(error)).toEqual({
      name: 'ConfigurationError',
      message: 'Neither APP_SECRET_ARN nor APP_SECRET_FILE is set',
    });
  });
});

describe('what a failed Secrets Manager read means for the caller', () => {
  const client = new SecretsManagerClient({ region: 'eu-west-1' });
  const secretsManager = mockClient(client);
  afterEach(() => secretsManager.reset());
  const source = () =>
    createSecretsManagerConfigSource(
      new SecretsProvider({ awsSdkV3Client: client }),
      SECRET_ARN,
      0,
    )({ fresh: true });

  it('a passing failure (throttled, unreachable) is a 503: nothing was changed, try again', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError', code: 'ETIMEDOUT' }));
    expect(describeError(await rejectionOf(source()))).toMatchObject({
      name: 'SecretUnavailableError',
      status: 503,
      reason: 'secret-unavailable',
      message:
        'The webhook could not read its configuration from Secrets Manager; nothing was changed. Try again shortly.',
    });
  });

  it('a missing secret stays a configuration error (500, for the operator)', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    expect(describeError(await rejectionOf(source()))).toMatchObject({ name: 'ConfigurationError' });
  });
});
