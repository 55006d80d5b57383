/**
 * The secret document outside Lambda: the local store `.local/secrets.json` (git-ignored, mode 0600,
 * created with a fresh link key on first use), or the deployed Secrets Manager secret for the
 * `npm run link` / `npm run token` tools. Same document format and validation as the functions use
 * (lambda/auth/secret-document.ts), so the tools cannot write a secret the functions would refuse.
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { type CreatedApiToken, createApiToken } from '../lambda/auth/api-token';
import {
  apiClientNames,
  LINK_KEY_PREFIX,
  newLinkKeyValue,
  newSecretDocument,
  parseJson,
  type SecretDocument,
  serializeSecretDocument,
  validateSecretDocument,
  withApiClient,
  withoutApiClient,
  withRotatedLinkKey,
} from '../lambda/auth/secret-document';

export const FIRST_LOCAL_KEY_ID = 'local-1';
const LOCAL_KEY_ID = /^local-(\d{1,9})$/;

/** `.local/secrets.json` under the given directory (npm runs scripts from the repository root). */
export const defaultSecretFilePath = (cwd: string = process.cwd()): string =>
  join(cwd, '.local', 'secrets.json');

/** A command-line mistake in a tool using the store: the tools exit with code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type RandomBytes = (size: number) => Buffer;

/**
 * The document in the file, validated. A missing file is created first (with its directory, mode 0700)
 * holding one fresh link key, `local-1`, and no API clients.
 */
export async function readSecretFile(
  path: string,
  randomBytes: RandomBytes = nodeRandomBytes,
): Promise<SecretDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw error;
    }
    return createSecretFile(path, randomBytes);
  }
  const document = parseJson(text);
  validateSecretDocument(document);
  return document as SecretDocument;
}

async function createSecretFile(path: string, randomBytes: RandomBytes): Promise<SecretDocument> {
  const document = newSecretDocument(FIRST_LOCAL_KEY_ID, newLinkKeyValue(randomBytes));
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    // 'wx': if another process created the file meanwhile, use its document rather than replace its key.
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return readSecretFile(path, randomBytes);
    }
    throw error;
  }
  try {
    await handle.writeFile(serializeSecretDocument(document), 'utf8');
  } finally {
    await handle.close();
  }
  return document;
}

/**
 * Validates and writes the document: to a new 0600 file beside it, then renamed over it, so a reader
 * never sees half a document and the file never exists with wider permissions.
 */
export async function writeSecretFile(path: string, document: SecretDocument): Promise<void> {
  validateSecretDocument(document);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${nodeRandomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, serializeSecretDocument(document), {
      encoding: 'utf8',
      mode: 0o600,
      flag: 'wx',
    });
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** The next `local-<n>` key id: one more than the highest present. */
export function nextLocalKeyId(document: SecretDocument): string {
  let highest = 0;
  for (const property of Object.keys(document)) {
    const match = LOCAL_KEY_ID.exec(property.slice(LINK_KEY_PREFIX.length));
    if (property.startsWith(LINK_KEY_PREFIX) && match !== null) {
      highest = Math.max(highest, Number(match[1]));
    }
  }
  return `local-${highest + 1}`;
}

/** Where a tool reads and writes the secret document. */
export type SecretSource = { kind: 'file'; path: string } | { kind: 'secrets-manager'; secretId: string };

/** `--secret-file PATH` or `--secret-id ARN` (not both); neither means the local store. */
export function secretSourceFromOptions(
  options: { 'secret-file'?: string; 'secret-id'?: string },
  cwd: string = process.cwd(),
): SecretSource {
  const file = options['secret-file'];
  const secretId = options['secret-id'];
  if (file !== undefined && secretId !== undefined) {
    throw new UsageError('Use either --secret-file or --secret-id, not both');
  }
  if (file === '') {
    throw new UsageError('--secret-file needs a path');
  }
  if (secretId === '') {
    throw new UsageError('--secret-id needs a secret ARN or name');
  }
  return secretId !== undefined
    ? { kind: 'secrets-manager', secretId }
    : { kind: 'file', path: file ?? defaultSecretFilePath(cwd) };
}

export interface StoreDependencies {
  /** Called only for a Secrets Manager source, so the local tools never need AWS credentials. */
  secretsManager: () => SecretsManagerClient;
  randomBytes?: RandomBytes;
}

/** The validated document from either source. */
export async function readSecretDocument(
  source: SecretSource,
  dependencies: StoreDependencies,
): Promise<SecretDocument> {
  if (source.kind === 'file') {
    return readSecretFile(source.path, dependencies.randomBytes);
  }
  const output = await dependencies
    .secretsManager()
    .send(new GetSecretValueCommand({ SecretId: source.secretId }));
  if (typeof output.SecretString !== 'string') {
    throw new Error(`The secret ${source.secretId} has no SecretString`);
  }
  const document = parseJson(output.SecretString);
  validateSecretDocument(document);
  return document as SecretDocument;
}

/**
 * Reads, changes and writes back the document. For Secrets Manager the new value becomes a new version
 * (PutSecretValue moves AWSCURRENT to it). Assumption: operators do not change the secret concurrently;
 * Secrets Manager has no compare-and-set, so two simultaneous updates would keep only the last.
 */
export async function updateSecretDocument(
  source: SecretSource,
  change: (document: SecretDocument) => SecretDocument,
  dependencies: StoreDependencies,
): Promise<SecretDocument> {
  const next = change(await readSecretDocument(source, dependencies));
  if (source.kind === 'file') {
    await writeSecretFile(source.path, next);
  } else {
    validateSecretDocument(next);
    await dependencies
      .secretsManager()
      .send(new PutSecretValueCommand({ SecretId: source.secretId, SecretString: JSON.stringify(next) }));
  }
  return next;
}

/** Creates an API token for a new client and stores only its hash; the token is returned once. */
export async function addApiClient(
  source: SecretSource,
  name: string,
  dependencies: StoreDependencies,
): Promise<CreatedApiToken> {
  const created = createApiToken(name, dependencies.randomBytes);
  await updateSecretDocument(source, (document) => withApiClient(document, created.entry), dependencies);
  return created;
}

export async function revokeApiClient(
  source: SecretSource,
  name: string,
  dependencies: StoreDependencies,
): Promise<void> {
  await updateSecretDocument(source, (document) => withoutApiClient(document, name), dependencies);
}

export async function listApiClients(
  source: SecretSource,
  dependencies: StoreDependencies,
): Promise<string[]> {
  return apiClientNames(await readSecretDocument(source, dependencies));
}

/**
 * Local store only: adds a fresh link key `local-<n+1>` and makes it the signing key; older keys stay
 * and keep verifying links already handed out. Returns the new key id.
 */
export async function rotateLocalLinkKey(
  path: string,
  randomBytes: RandomBytes = nodeRandomBytes,
): Promise<string> {
  const document = await readSecretFile(path, randomBytes);
  const kid = nextLocalKeyId(document);
  await writeSecretFile(path, withRotatedLinkKey(document, kid, newLinkKeyValue(randomBytes)));
  return kid;
}
