/**
 * The secret document outside Lambda: the local store `.local/secrets.json` (git-ignored, mode 0600,
 * created with a fresh link key on first use), or the deployed Secrets Manager secret for the
 * `npm run link` / `npm run token` tools. Same document format and validation as the functions use
 * (lambda/auth/secret-document.ts), so the tools cannot write a secret the functions would refuse.
 */
import { randomBytes as nodeRandomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  PutSecretValueCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { type CreatedApiToken, createApiToken } from '../lambda/auth/api-token';
import {
  type ApiScope,
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
  return (await readSecretFileVersion(path, randomBytes)).document;
}

/** What an update read: the document and the exact text it came from, to tell whether the file changed. */
interface FileVersion {
  readonly document: SecretDocument;
  readonly text: string;
}

async function readSecretFileVersion(path: string, randomBytes: RandomBytes): Promise<FileVersion> {
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
  return { document: document as SecretDocument, text };
}

async function createSecretFile(path: string, randomBytes: RandomBytes): Promise<FileVersion> {
  const document = newSecretDocument(FIRST_LOCAL_KEY_ID, newLinkKeyValue(randomBytes));
  const text = serializeSecretDocument(document);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    // 'wx': if another process created the file meanwhile, use its document rather than replace its key.
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return readSecretFileVersion(path, randomBytes);
    }
    throw error;
  }
  try {
    await handle.writeFile(text, 'utf8');
  } finally {
    await handle.close();
  }
  return { document, text };
}

/**
 * Validates and writes the document: to a new 0600 file beside it, then renamed over it, so a reader
 * never sees half a document and the file never exists with wider permissions. Holds the file's lock
 * while it writes, so it never lands between another writer's check and its rename.
 */
export async function writeSecretFile(path: string, document: SecretDocument): Promise<void> {
  validateSecretDocument(document);
  await withFileLock(path, () => replaceSecretFile(path, document));
}

async function replaceSecretFile(path: string, document: SecretDocument): Promise<void> {
  validateSecretDocument(document);
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

/** How long a writer waits for another writer's lock before it gives up. */
const LOCK_WAIT_MS = 10_000;
/** A lock file still without a pid after this long was left by a writer that died creating it. */
const UNREADABLE_LOCK_MS = 5_000;

/** The lock file beside the secret file: `<path>.lock`, holding the pid of the writer that holds it. */
export const lockFilePath = (path: string): string => `${path}.lock`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether a process with this pid runs (on this machine: every writer of a local file runs here). */
const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Who holds the lock: its pid, 'stale' when that process is gone, 'free' when the lock just went away. */
async function lockHolder(lock: string): Promise<number | 'stale' | 'free' | 'unknown'> {
  let text: string;
  try {
    text = await readFile(lock, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'free';
    throw error;
  }
  if (/^[1-9][0-9]*\n$/.test(text)) {
    const pid = Number(text);
    return isRunning(pid) ? pid : 'stale';
  }
  // Created but not yet written (or its writer died in between): stale only once it is old.
  const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
  return age > UNREADABLE_LOCK_MS ? 'stale' : 'unknown';
}

/**
 * Runs `body` holding `<path>.lock`, created with O_EXCL ('wx') so only one writer holds it; others wait
 * (up to LOCK_WAIT_MS). The lock is held only around a check and a rename, never while a tool waits for
 * anything else. A lock whose writer died (its pid no longer runs) is removed and taken. (Known limit: two
 * writers that find the same dead lock at the same instant may both take it; the content check under the
 * lock still sends the later one back to read again unless both check before either renames.)
 */
async function withFileLock<T>(path: string, body: () => Promise<T>): Promise<T> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const lock = lockFilePath(path);
  const deadline = Date.now() + LOCK_WAIT_MS;
  let delay = 5;
  for (;;) {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(lock, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await lockHolder(lock);
      if (holder === 'stale') await rm(lock, { force: true });
      if (holder === 'stale' || holder === 'free') continue;
      if (Date.now() >= deadline) {
        throw new Error(
          `The secret file ${path} is locked by ${holder === 'unknown' ? 'another process' : `process ${holder}`} ` +
            `(${lock}); if no npm start, token or keys command is running, delete the lock file and try again`,
        );
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 100);
      continue;
    }
    try {
      await handle.writeFile(`${process.pid}\n`, 'utf8');
    } catch (error) {
      await handle.close();
      await rm(lock, { force: true });
      throw error;
    }
    await handle.close();
    try {
      return await body();
    } finally {
      await rm(lock, { force: true });
    }
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
  /**
   * The client for the secret `secretId` (an ARN names its region). Called only for a Secrets Manager
   * source, so the local tools never need AWS credentials.
   */
  secretsManager: (secretId: string) => SecretsManagerClient;
  randomBytes?: RandomBytes;
  /**
   * Awaited after each read of an update, before its change is written: a seam for tests that interleave
   * two writers. @default nothing
   */
  afterRead?: () => Promise<void>;
}

/** The validated document from either source. */
export async function readSecretDocument(
  source: SecretSource,
  dependencies: StoreDependencies,
): Promise<SecretDocument> {
  if (source.kind === 'file') {
    return readSecretFile(source.path, dependencies.randomBytes);
  }
  const client = dependencies.secretsManager(source.secretId);
  return documentOf(await currentSecretVersion(client, source.secretId), source.secretId);
}

const currentSecretVersion = (client: SecretsManagerClient, secretId: string) =>
  client.send(new GetSecretValueCommand({ SecretId: secretId }));

function documentOf(output: GetSecretValueCommandOutput, secretId: string): SecretDocument {
  if (typeof output.SecretString !== 'string') {
    throw new Error(`The secret ${secretId} has no SecretString`);
  }
  const document = parseJson(output.SecretString);
  validateSecretDocument(document);
  return document as SecretDocument;
}

/** An update met a concurrent writer on every attempt; nothing of it was written. */
export class ConcurrentUpdateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConcurrentUpdateError';
  }
}

/** Attempts of one update before it gives up; each one after the first follows another writer's change. */
export const MAX_UPDATE_ATTEMPTS = 5;

const gaveUp = (what: string) =>
  new ConcurrentUpdateError(
    `${what} was changed by another writer during each of ${MAX_UPDATE_ATTEMPTS} attempts; this change was not made. Try again.`,
  );

/**
 * Reads, changes and writes back the document, only if nobody else wrote it in between: otherwise it
 * reads again and re-applies `change` to what the other writer stored (up to MAX_UPDATE_ATTEMPTS times),
 * so two concurrent tools (say `token revoke` and `token create`) both take effect and neither undoes the
 * other. `change` may run more than once and must only compute.
 */
export async function updateSecretDocument(
  source: SecretSource,
  change: (document: SecretDocument) => SecretDocument,
  dependencies: StoreDependencies,
): Promise<SecretDocument> {
  return source.kind === 'file'
    ? updateSecretFile(source.path, change, dependencies)
    : updateSecretsManagerSecret(source.secretId, change, dependencies);
}

/**
 * The local file: write only if the file still holds the exact text this update read. The check and the
 * rename happen under the file's lock (an O_EXCL lock file, see withFileLock), so no other writer's
 * rename can fall between them; a changed file means another writer came first: read again.
 */
async function updateSecretFile(
  path: string,
  change: (document: SecretDocument) => SecretDocument,
  dependencies: StoreDependencies,
): Promise<SecretDocument> {
  for (let attempt = 1; ; attempt += 1) {
    const read = await readSecretFileVersion(path, dependencies.randomBytes ?? nodeRandomBytes);
    await dependencies.afterRead?.();
    const next = change(read.document);
    validateSecretDocument(next);
    const written = await withFileLock(path, async () => {
      const now = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (now !== read.text) return false;
      await replaceSecretFile(path, next);
      return true;
    });
    if (written) return next;
    if (attempt === MAX_UPDATE_ATTEMPTS) throw gaveUp(`The secret file ${path}`);
  }
}

/**
 * A staging label of this project's tools: it marks the version an update wrote until that version
 * becomes AWSCURRENT. Not AWSPENDING, which belongs to rotation. One label moves from version to
 * version, so a version left behind by a lost race keeps no label and Secrets Manager deletes it in time.
 */
export const PENDING_VERSION_STAGE = 'ssm-approval-webhook-pending';

/**
 * Secrets Manager: PutSecretValue has no condition, and moves AWSCURRENT to the new version at once when
 * called without VersionStages, so a writer that read an older version would silently drop the changes in
 * between. Instead, the compare-and-set Secrets Manager's own rotation relies on:
 *  1. GetSecretValue: the document and its VersionId (the AWSCURRENT version read);
 *  2. PutSecretValue with ClientRequestToken = a new UUID (the new VersionId; a retried request with the
 *     same token and value creates nothing twice) and VersionStages = [PENDING_VERSION_STAGE], so the new
 *     version is stored but not current: readers still get the version read;
 *  3. UpdateSecretVersionStage AWSCURRENT, MoveToVersionId = the new version, RemoveFromVersionId = the
 *     version read. Secrets Manager refuses the move when AWSCURRENT is no longer on RemoveFromVersionId,
 *     i.e. when another writer finished in between. (AWSPREVIOUS follows AWSCURRENT as after a Put.)
 * When step 3 fails, GetSecretValue tells why: AWSCURRENT on another version is a concurrent writer (apply
 * the change again to its document), on ours means the move happened and only its answer was lost, on the
 * version read means a real failure (e.g. no secretsmanager:UpdateSecretVersionStage permission), which
 * is passed on. Either way nothing of a failed attempt is ever current.
 */
async function updateSecretsManagerSecret(
  secretId: string,
  change: (document: SecretDocument) => SecretDocument,
  dependencies: StoreDependencies,
): Promise<SecretDocument> {
  const client = dependencies.secretsManager(secretId);
  let read = await currentSecretVersion(client, secretId);
  for (let attempt = 1; ; attempt += 1) {
    await dependencies.afterRead?.();
    const next = change(documentOf(read, secretId));
    validateSecretDocument(next);
    const readVersion = read.VersionId;
    if (readVersion === undefined) {
      throw new Error(`GetSecretValue returned no VersionId for the secret ${secretId}`);
    }
    const newVersion = randomUUID();
    await client.send(
      new PutSecretValueCommand({
        SecretId: secretId,
        ClientRequestToken: newVersion,
        SecretString: JSON.stringify(next),
        VersionStages: [PENDING_VERSION_STAGE],
      }),
    );
    try {
      await client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secretId,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: newVersion,
          RemoveFromVersionId: readVersion,
        }),
      );
      return next;
    } catch (error) {
      const now = await currentSecretVersion(client, secretId);
      if (now.VersionId === newVersion) return next;
      if (now.VersionId === readVersion) throw error;
      if (attempt === MAX_UPDATE_ATTEMPTS) throw gaveUp(`The secret ${secretId}`);
      read = now;
    }
  }
}

/** Creates an API token for a new client and stores only its hash; the token is returned once. */
export async function addApiClient(
  source: SecretSource,
  name: string,
  dependencies: StoreDependencies,
  scope?: Partial<ApiScope>,
): Promise<CreatedApiToken> {
  const created = createApiToken(name, dependencies.randomBytes);
  const entry = {
    ...created.entry,
    ...(scope?.actions === undefined ? {} : { actions: scope.actions }),
    ...(scope?.runbooks === undefined ? {} : { runbooks: scope.runbooks }),
  };
  await updateSecretDocument(source, (document) => withApiClient(document, entry), dependencies);
  return { ...created, entry };
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
  let kid = '';
  await updateSecretFile(
    path,
    (document) => {
      kid = nextLocalKeyId(document);
      return withRotatedLinkKey(document, kid, newLinkKeyValue(randomBytes));
    },
    { secretsManager: noSecretsManager, randomBytes },
  );
  return kid;
}

const noSecretsManager = (): never => {
  throw new Error('The local secret file needs no Secrets Manager client');
};
