/**
 * Two tools changing the secret at once (issue "Harden what exists", item 2): each update is conditional on
 * the version it read, so a revocation is never undone by a concurrent `token create` or `keys` command.
 * The writers are interleaved deterministically: the second one runs, whole, between the first one's read
 * and its write (the store's afterRead seam for the file, the fake's hook for Secrets Manager).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { hashApiToken, verifyApiToken } from '../../lambda/auth/api-token';
import { validateSecretDocument } from '../../lambda/auth/secret-document';
import type { ToolDependencies } from '../../local/cli';
import { runKeysCommand } from '../../local/keys';
import {
  lockFilePath,
  PENDING_VERSION_STAGE,
  readSecretFile,
  rotateLocalLinkKey,
  writeSecretFile,
} from '../../local/secret-store';
import { runTokenCommand } from '../../local/token';
import { FakeSecret } from './fake-secrets-manager';
import { JIRA_SHA256, JIRA_TOKEN, KEY } from './fixtures';

const counting = Buffer.from(Array.from({ length: 32 }, (_, index) => index));
const COUNTING_KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
const SECRET_ID = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:webhook-AbCdEf';
const REVOKED_NOTE = (where: string) =>
  `Revoked API client "jira" in ${where}. Functions that cached the secret may accept its token until their ` +
  'cache expires (5 minutes by default).\n';
/** `token create <name> ...SCOPE`: the scope every client created here gets. */
const SCOPE = ['--actions', 'approve,reject', '--runbooks', '*'];
const CREATED_NOTE = (name: string, where: string) =>
  `Created API client "${name}" in ${where}, allowed to approve, reject on runbooks matching *.\n` +
  "The token above is shown only this once and is NOT stored (only its SHA-256 hash is): keep it in the client's secret store now.\n" +
  'The client sends it as "Authorization: Bearer <token>".\n';

/** A document with one key and one API client, jira, whose token is JIRA_TOKEN. */
const withJira = {
  activeLinkKeyId: 'k1',
  'linkKey.k1': KEY.k1,
  apiClients: [{ name: 'jira', sha256: JIRA_SHA256 }],
};

/** One tool run's output, and its dependencies (with `afterRead` when given). */
const tool = (
  client: SecretsManagerClient,
  afterRead?: () => Promise<void>,
): { out: string[]; err: string[]; dependencies: ToolDependencies } => {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    dependencies: {
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      secretsManager: () => client,
      ...(afterRead ? { afterRead } : {}),
    },
  };
};

/** The entry a `token create servicenow ...SCOPE` stored, from the token it printed. */
const servicenowEntry = (out: string[]) => ({
  name: 'servicenow',
  sha256: hashApiToken((out[0] as string).trim()).toString('hex'),
  actions: ['approve', 'reject'],
  runbooks: ['*'],
});

describe('concurrent updates of the local secret file', () => {
  let directory: string;
  let file: string;
  const unused = new SecretsManagerClient({ region: 'eu-west-1' });

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'concurrent-'));
    file = join(directory, 'secrets.json');
    await writeSecretFile(file, withJira);
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  it('keeps a revocation when a token create writes between its read and its write', async () => {
    // Given: `token create servicenow` runs, whole, right after `token revoke jira` read the file
    const create = tool(unused);
    let reads = 0;
    const revoke = tool(unused, async () => {
      reads += 1;
      if (reads === 1) {
        expect(
          await runTokenCommand(
            ['create', 'servicenow', ...SCOPE, '--secret-file', file],
            create.dependencies,
          ),
        ).toBe(0);
      }
    });

    // When
    const code = await runTokenCommand(['revoke', 'jira', '--secret-file', file], revoke.dependencies);

    // Then: the revocation read again and applied itself to what the create wrote
    expect(code).toBe(0);
    expect(reads).toBe(2);
    expect(revoke.err).toEqual([REVOKED_NOTE(file)]);
    expect(create.err).toEqual([CREATED_NOTE('servicenow', file)]);
    const stored = await readSecretFile(file);
    expect(stored).toEqual({
      activeLinkKeyId: 'k1',
      'linkKey.k1': KEY.k1,
      apiClients: [servicenowEntry(create.out)],
    });
    expect(verifyApiToken(validateSecretDocument(stored), JIRA_TOKEN)).toBeUndefined();
    expect(await readdir(directory)).toEqual(['secrets.json']);
  });

  it('keeps a revocation that writes between the read and the write of a token create', async () => {
    const revoke = tool(unused);
    let reads = 0;
    const create = tool(unused, async () => {
      reads += 1;
      if (reads === 1) {
        expect(await runTokenCommand(['revoke', 'jira', '--secret-file', file], revoke.dependencies)).toBe(0);
      }
    });

    expect(
      await runTokenCommand(['create', 'servicenow', ...SCOPE, '--secret-file', file], create.dependencies),
    ).toBe(0);

    expect(reads).toBe(2);
    expect(await readSecretFile(file)).toEqual({
      activeLinkKeyId: 'k1',
      'linkKey.k1': KEY.k1,
      apiClients: [servicenowEntry(create.out)],
    });
  });

  it('keeps a revocation that writes between the read and the write of keys rotate', async () => {
    const revoke = tool(unused);
    let reads = 0;
    const rotate = tool(unused, async () => {
      reads += 1;
      if (reads === 1) {
        expect(await runTokenCommand(['revoke', 'jira', '--secret-file', file], revoke.dependencies)).toBe(0);
      }
    });

    const code = await runKeysCommand(['rotate', '--secret-file', file], {
      ...rotate.dependencies,
      randomBytes: () => counting,
    });

    expect(code).toBe(0);
    expect(rotate.out).toEqual(['k2\n']);
    expect(await readSecretFile(file)).toEqual({
      activeLinkKeyId: 'k2',
      'linkKey.k1': KEY.k1,
      'linkKey.k2': COUNTING_KEY,
      apiClients: [],
    });
  });

  it('rotates the local key without losing a revocation written meanwhile (rotateLocalLinkKey)', async () => {
    // Given: the revocation lands while rotateLocalLinkKey's random bytes are drawn, i.e. after its read
    let revoked = false;
    const randomBytes = (size: number): Buffer => {
      if (!revoked) {
        revoked = true;
        // Another writer's revocation (a plain write: a rename would look the same to this one).
        writeFileSync(file, JSON.stringify({ ...withJira, apiClients: [] }));
      }
      return counting.subarray(0, size);
    };

    // When
    const kid = await rotateLocalLinkKey(file, randomBytes);

    // Then
    expect(kid).toBe('local-1');
    expect(await readSecretFile(file)).toEqual({
      activeLinkKeyId: 'local-1',
      'linkKey.k1': KEY.k1,
      'linkKey.local-1': COUNTING_KEY,
      apiClients: [],
    });
  });

  it('gives up after 5 attempts that each met another writer, changing nothing itself', async () => {
    // Given: before each of its writes, another writer changes the file
    let reads = 0;
    const revoke = tool(unused, async () => {
      reads += 1;
      await writeFile(file, JSON.stringify({ ...withJira, [`webhookSecret.w${reads}`]: COUNTING_KEY }));
    });

    // When
    const code = await runTokenCommand(['revoke', 'jira', '--secret-file', file], revoke.dependencies);

    // Then
    expect(code).toBe(1);
    expect(reads).toBe(5);
    expect(revoke.err).toEqual([
      `Error: ConcurrentUpdateError: The secret file ${file} was changed by another writer during each of 5 attempts; this change was not made. Try again.\n`,
    ]);
    expect(await readSecretFile(file)).toEqual({ ...withJira, 'webhookSecret.w5': COUNTING_KEY });
  });

  it('waits while another running process holds the lock file, then writes', async () => {
    // Given: a lock held by a running process (this one)
    await writeFile(lockFilePath(file), `${process.pid}\n`);
    const before = await readFile(file, 'utf8');
    const revoke = tool(unused);

    // When
    let finished = false;
    const running = runTokenCommand(['revoke', 'jira', '--secret-file', file], revoke.dependencies).then(
      (code) => {
        finished = true;
        return code;
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Then: it waits and has written nothing
    expect(finished).toBe(false);
    expect(await readFile(file, 'utf8')).toBe(before);

    // When the holder releases the lock
    await rm(lockFilePath(file));

    // Then
    expect(await running).toBe(0);
    expect((await readSecretFile(file)).apiClients).toEqual([]);
    expect(await readdir(directory)).toEqual(['secrets.json']);
  });

  it('takes over a lock file left by a process that no longer runs', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(lockFilePath(file), `${dead}\n`);

    expect(await runTokenCommand(['revoke', 'jira', '--secret-file', file], tool(unused).dependencies)).toBe(
      0,
    );

    expect((await readSecretFile(file)).apiClients).toEqual([]);
    expect(await readdir(directory)).toEqual(['secrets.json']);
  });
});

describe('concurrent updates of the deployed secret (Secrets Manager, in memory)', () => {
  let client: SecretsManagerClient;
  let secret: FakeSecret;
  const where = `Secrets Manager secret ${SECRET_ID}`;

  beforeEach(() => {
    client = new SecretsManagerClient({ region: 'eu-west-1' });
    secret = new FakeSecret(client, SECRET_ID, JSON.stringify(withJira));
  });

  it('keeps a revocation when a token create moves AWSCURRENT between its read and its write', async () => {
    // Given: `token create servicenow` runs, whole, right after `token revoke jira` read the secret
    const create = tool(client);
    let reads = 0;
    const revoke = tool(client, async () => {
      reads += 1;
      if (reads === 1) {
        expect(
          await runTokenCommand(
            ['create', 'servicenow', ...SCOPE, '--secret-id', SECRET_ID],
            create.dependencies,
          ),
        ).toBe(0);
      }
    });

    // When
    const code = await runTokenCommand(['revoke', 'jira', '--secret-id', SECRET_ID], revoke.dependencies);

    // Then: the revocation's first version never became current; its second, made from the create's, did
    expect(code).toBe(0);
    expect(revoke.err).toEqual([REVOKED_NOTE(where)]);
    expect(create.err).toEqual([CREATED_NOTE('servicenow', where)]);
    const servicenow = servicenowEntry(create.out);
    expect(secret.currentDocument()).toEqual({ ...withJira, apiClients: [servicenow] });
    expect(secret.history()).toEqual([
      { stages: [], document: withJira },
      {
        stages: ['AWSPREVIOUS'],
        document: { ...withJira, apiClients: [withJira.apiClients[0], servicenow] },
      },
      { stages: [], document: { ...withJira, apiClients: [] } },
      { stages: ['AWSCURRENT', PENDING_VERSION_STAGE], document: { ...withJira, apiClients: [servicenow] } },
    ]);
    expect(secret.operations()).toEqual([
      'GetSecretValue', // revoke reads
      'GetSecretValue', // create reads, writes and moves AWSCURRENT
      'PutSecretValue',
      'UpdateSecretVersionStage',
      'PutSecretValue', // revoke writes; its move is refused: AWSCURRENT left the version it read
      'UpdateSecretVersionStage',
      'GetSecretValue', // revoke reads the create's version and applies itself to it
      'PutSecretValue',
      'UpdateSecretVersionStage',
    ]);
    expect(verifyApiToken(validateSecretDocument(secret.currentDocument()), JIRA_TOKEN)).toBeUndefined();
  });

  it('keeps a revocation that lands between the read and the write of keys webhook-secret', async () => {
    let reads = 0;
    const setSecret = tool(client, async () => {
      reads += 1;
      if (reads === 1) {
        expect(
          await runTokenCommand(['revoke', 'jira', '--secret-id', SECRET_ID], tool(client).dependencies),
        ).toBe(0);
      }
    });

    const code = await runKeysCommand(['webhook-secret', 'jira', '--secret-id', SECRET_ID], {
      ...setSecret.dependencies,
      randomBytes: () => counting,
    });

    expect(code).toBe(0);
    expect(reads).toBe(2);
    expect(secret.currentDocument()).toEqual({
      ...withJira,
      apiClients: [],
      'webhookSecret.jira': COUNTING_KEY,
    });
  });

  it('passes on a refused stage move when AWSCURRENT did not move, leaving the secret as it was', async () => {
    const denied = Object.assign(
      new Error('User is not authorized to perform: secretsmanager:UpdateSecretVersionStage'),
      { name: 'AccessDeniedException' },
    );
    secret.beforeNext('UpdateSecretVersionStage', () => Promise.reject(denied));
    const revoke = tool(client);

    expect(await runTokenCommand(['revoke', 'jira', '--secret-id', SECRET_ID], revoke.dependencies)).toBe(1);

    expect(revoke.err).toEqual([
      'Error: AccessDeniedException: User is not authorized to perform: secretsmanager:UpdateSecretVersionStage\n',
    ]);
    expect(secret.history()).toEqual([
      { stages: ['AWSCURRENT'], document: withJira },
      { stages: [PENDING_VERSION_STAGE], document: { ...withJira, apiClients: [] } },
    ]);
  });

  it('succeeds once when the stage move took effect but its answer was lost', async () => {
    secret.loseNextAnswer(
      'UpdateSecretVersionStage',
      Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }),
    );
    const revoke = tool(client);

    expect(await runTokenCommand(['revoke', 'jira', '--secret-id', SECRET_ID], revoke.dependencies)).toBe(0);

    expect(secret.history()).toEqual([
      { stages: ['AWSPREVIOUS'], document: withJira },
      { stages: ['AWSCURRENT', PENDING_VERSION_STAGE], document: { ...withJira, apiClients: [] } },
    ]);
    expect(secret.operations()).toEqual([
      'GetSecretValue',
      'PutSecretValue',
      'UpdateSecretVersionStage',
      'GetSecretValue',
    ]);
  });

  it('gives up after 5 attempts that each met another writer; none of its versions became current', async () => {
    let reads = 0;
    const revoke = tool(client, async () => {
      reads += 1;
      const other = tool(client);
      expect(
        await runKeysCommand(['webhook-secret', `w${reads}`, '--secret-id', SECRET_ID], {
          ...other.dependencies,
          randomBytes: () => counting,
        }),
      ).toBe(0);
    });

    expect(await runTokenCommand(['revoke', 'jira', '--secret-id', SECRET_ID], revoke.dependencies)).toBe(1);

    expect(reads).toBe(5);
    expect(revoke.err).toEqual([
      `Error: ConcurrentUpdateError: The secret ${SECRET_ID} was changed by another writer during each of 5 attempts; this change was not made. Try again.\n`,
    ]);
    expect(secret.currentDocument()).toEqual({
      ...withJira,
      'webhookSecret.w1': COUNTING_KEY,
      'webhookSecret.w2': COUNTING_KEY,
      'webhookSecret.w3': COUNTING_KEY,
      'webhookSecret.w4': COUNTING_KEY,
      'webhookSecret.w5': COUNTING_KEY,
    });
  });
});
