/**
 * Where the AuthConfig comes from, with a bounded cache: the stack's Secrets Manager secret in Lambda
 * (`APP_SECRET_ARN`), a JSON file of the same format locally (`APP_SECRET_FILE`). Both sources keep a
 * value for `maxAgeSeconds` and then read it again, so a rotated key or a revoked API token takes effect
 * within that time without a redeploy.
 *
 * Assumption: a failed refresh fails the request (ConfigurationError, 500) rather than serving the
 * expired value; a stale key list would keep a revoked token working for as long as the secret is
 * unreadable.
 */
import { readFile as nodeReadFile } from 'node:fs/promises';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { ConfigurationError, SecretUnavailableError } from '../core/errors';
import { type AuthConfig, parseSecretDocument } from './secret-document';

/** How long a read secret is used before it is read again, unless `APP_SECRET_MAX_AGE_SECONDS` says otherwise. */
export const DEFAULT_MAX_AGE_SECONDS = 300;
const MAX_MAX_AGE_SECONDS = 3600;

/**
 * Timeouts and retries well inside the function timeout (API Gateway gives up after 30 s): a slow
 * Secrets Manager call must fail the request in time to answer it.
 */
export const SECRETS_MANAGER_CLIENT_CONFIG: SecretsManagerClientConfig = {
  maxAttempts: 2,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 1_500, throwOnRequestTimeout: true },
};

/** Secrets Manager answers that no retry will change (the Powertools provider keeps them as `cause`). */
const MISCONFIGURATION = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'DecryptionFailure',
  'InvalidRequestException',
  'InvalidParameterException',
]);

const isMisconfiguration = (error: unknown): boolean => {
  const cause = (error as { cause?: { name?: unknown } } | null)?.cause;
  const name = (error as { name?: unknown } | null)?.name;
  return MISCONFIGURATION.has(String(cause?.name)) || MISCONFIGURATION.has(String(name));
};

/** Reads the config; `fresh` skips the cache (see `withKeyRefresh`). */
export type ConfigSource = (options?: { readonly fresh?: boolean }) => Promise<AuthConfig>;

/** The part of Powertools' SecretsProvider used here (tests pass a provider with a mocked client). */
export interface SecretProvider {
  get(
    name: string,
    options: { maxAge: number; forceFetch?: boolean },
  ): Promise<string | Uint8Array | undefined>;
}

/**
 * Reads the secret through a Powertools provider, which caches the raw SecretString for `maxAgeSeconds`
 * (its clock is `Date.now`). The parsed AuthConfig is kept as long as the raw string is unchanged, so the
 * document is validated once per fetch, not once per request. An invalid document is cached by the
 * provider like a valid one, so it is refused on every use until the cache expires and it is read again.
 */
export function createSecretsManagerConfigSource(
  provider: SecretProvider,
  secretId: string,
  maxAgeSeconds: number = DEFAULT_MAX_AGE_SECONDS,
): ConfigSource {
  let last: { text: string; config: AuthConfig } | undefined;
  return async (options = {}) => {
    let value: string | Uint8Array | undefined;
    try {
      value = await provider.get(secretId, { maxAge: maxAgeSeconds, forceFetch: options.fresh === true });
    } catch (error) {
      const failure = new ConfigurationError(
        `Could not read the auth secret ${secretId} from Secrets Manager`,
        {
          cause: error,
        },
      );
      // A missing secret or a denied read needs an operator (500); a slow, throttled or unreachable
      // Secrets Manager is passing, and nothing was changed (503, try again). The ARN stays in the log.
      if (isMisconfiguration(error)) throw failure;
      throw new SecretUnavailableError(
        'secret-unavailable',
        'The webhook could not read its configuration from Secrets Manager; nothing was changed. Try again shortly.',
        { cause: failure },
      );
    }
    if (typeof value !== 'string') {
      throw new ConfigurationError(`The auth secret ${secretId} has no SecretString`);
    }
    if (last?.text !== value) {
      last = { text: value, config: parseSecretDocument(value) };
    }
    return last.config;
  };
}

export interface FileSourceOptions {
  maxAgeSeconds?: number;
  /** Milliseconds since the epoch. */
  now?: () => number;
  readFile?: (path: string) => Promise<string>;
}

/**
 * Reads the secret document from a file, with the same cache semantics as the Powertools provider:
 * a value read at time t is used up to and including t + maxAge, and read again after that; nothing is
 * cached when maxAge is 0. A failed read or an invalid document is not cached.
 */
export function createFileConfigSource(path: string, options: FileSourceOptions = {}): ConfigSource {
  const maxAgeMs = (options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS) * 1000;
  const now = options.now ?? Date.now;
  const readFile = options.readFile ?? ((file: string) => nodeReadFile(file, 'utf8'));
  let cached: { expiresAt: number; config: AuthConfig } | undefined;
  return async (options = {}) => {
    if (cached !== undefined && now() <= cached.expiresAt && options.fresh !== true) {
      return cached.config;
    }
    let text: string;
    try {
      text = await readFile(path);
    } catch (error) {
      throw new ConfigurationError(`Could not read the auth secret file ${path}`, { cause: error });
    }
    const config = parseSecretDocument(text);
    cached = maxAgeMs > 0 ? { expiresAt: now() + maxAgeMs, config } : undefined;
    return config;
  };
}

/** The provider used in Lambda: module scope, so its cache lives as long as the execution environment. */
let secretsProvider: SecretsProvider | undefined;
const defaultSecretsProvider = (): SecretsProvider => {
  // Created on first use so that the local runner, which reads a file, never builds an SDK client.
  secretsProvider ??= new SecretsProvider({
    awsSdkV3Client: new SecretsManagerClient(SECRETS_MANAGER_CLIENT_CONFIG),
  });
  return secretsProvider;
};

export interface ConfigSourceDependencies {
  secretsProvider?: () => SecretProvider;
  now?: () => number;
}

/**
 * Chooses the source from the environment: `APP_SECRET_ARN` (Secrets Manager) or `APP_SECRET_FILE`
 * (a local file). Exactly one must be set: with both, a function deployed with a stray file path would
 * silently ignore its secret, so that is refused too. `APP_SECRET_MAX_AGE_SECONDS` (0–3600, default 300)
 * sets the cache time for either source; the local runner may set 0 to see `npm run token` changes at once.
 */
export function configSourceFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  dependencies: ConfigSourceDependencies = {},
): ConfigSource {
  const secretArn = nonEmpty(env.APP_SECRET_ARN);
  const secretFile = nonEmpty(env.APP_SECRET_FILE);
  const maxAgeSeconds = parseMaxAge(env.APP_SECRET_MAX_AGE_SECONDS);
  if (secretArn !== undefined && secretFile !== undefined) {
    throw new ConfigurationError('Both APP_SECRET_ARN and APP_SECRET_FILE are set; set exactly one');
  }
  if (secretArn !== undefined) {
    return createSecretsManagerConfigSource(
      (dependencies.secretsProvider ?? defaultSecretsProvider)(),
      secretArn,
      maxAgeSeconds,
    );
  }
  if (secretFile !== undefined) {
    return createFileConfigSource(secretFile, { maxAgeSeconds, now: dependencies.now });
  }
  throw new ConfigurationError('Neither APP_SECRET_ARN nor APP_SECRET_FILE is set');
}

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value === '' ? undefined : value;

function parseMaxAge(value: string | undefined): number {
  if (value === undefined || value === '') {
    return DEFAULT_MAX_AGE_SECONDS;
  }
  const seconds = /^\d{1,4}$/.test(value) ? Number(value) : Number.NaN;
  if (!(seconds <= MAX_MAX_AGE_SECONDS)) {
    throw new ConfigurationError(
      `APP_SECRET_MAX_AGE_SECONDS must be a whole number from 0 to ${MAX_MAX_AGE_SECONDS}`,
    );
  }
  return seconds;
}

let current: { key: string; source: ConfigSource } | undefined;

/**
 * The AuthConfig for this process, from the source the environment names (see {@link configSourceFromEnv}).
 * The source is kept between calls, so its cache is; it is rebuilt only if those variables change.
 */
export async function loadAuthConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: { readonly fresh?: boolean } = {},
): Promise<AuthConfig> {
  const key = JSON.stringify([env.APP_SECRET_ARN, env.APP_SECRET_FILE, env.APP_SECRET_MAX_AGE_SECONDS]);
  if (current?.key !== key) {
    current = { key, source: configSourceFromEnv(env) };
  }
  return current.source(options);
}

/** `loadAuthConfig` for this process's environment: what the handlers use. */
export const authConfigFromEnvironment: ConfigSource = (options) => loadAuthConfig(process.env, options);

/** Forgets every cached value (tests; the local runner after it changed the secret file itself). */
export function clearAuthConfigCache(): void {
  current = undefined;
  secretsProvider?.clearCache();
}
