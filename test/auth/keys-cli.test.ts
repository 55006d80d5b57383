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
import { parse as parseYaml } from 'yaml';
import { signLinkToken, verifyLinkToken } from '../../lambda/auth/link-token';
import {
  parseSecretDocument,
  SecretDocumentError,
  serializeSecretDocument,
  withoutLinkKeys,
  withoutWebhookSecret,
} from '../../lambda/auth/secret-document';
import { AuthenticationError } from '../../lambda/core/errors';
import { signWebhookBody, verifyWebhookSignature } from '../../lambda/notify/channels/webhook';
import {
  KEYS_USAGE,
  type KeysCommand,
  type KeysDependencies,
  nextLinkKeyId,
  parseKeysArguments,
  parseSlackCredentialsInput,
  parseTeamsWebhookUrlInput,
  runKeysCommand,
} from '../../local/keys';
import { PENDING_VERSION_STAGE, UsageError, writeSecretFile } from '../../local/secret-store';
import { describeError, EXECUTION_ID, JIRA_SHA256, KEY, rejectionOf, thrownBy } from './fixtures';

/** What `newLinkKeyValue` makes of the bytes 0..31. */
const counting = Buffer.from(Array.from({ length: 32 }, (_, index) => index));
const COUNTING_KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
const NOW = new Date('2025-03-01T12:00:00.000Z');
const THIRTY_DAYS_LATER = '2025-03-31T12:00:00.000Z';
const SECRET_ID = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:webhook-AbCdEf';
const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;
const OLD_WEBHOOK_SECRET = 'old-webhook-secret-0123456789abcdefghijklmnop';
const RECEIVER_LINE =
  'Give it to the receiver, which verifies X-Approval-Webhook-Signature: ' +
  'v0=<hex HMAC-SHA256(secret, "v0:" + X-Approval-Webhook-Timestamp + ":" + raw body)>.\n';
const REPLACED_LINE =
  'It replaced the previous one: the receiver must switch to the new value; requests signed with the old one ' +
  'will fail its check (the notifier signs with the new one once it re-reads the secret, 5 minutes by default).\n';
const SIGNING_SECRET = '0123456789abcdef0123456789abcdef';
const BOT_TOKEN = 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx';
const OTHER_BOT_TOKEN = 'xoxb-2222222222-3333333333-ZyXwVuTsRqPoNmLkJiHgFeDc';
const INVALID_BOT_TOKEN =
  'Invalid bot-token on standard input: it must start with "xoxb-" and be 20 to 255 printable ASCII characters without spaces';
/** The shape of a Teams "Workflows" webhook URL: its `sig=` lets anyone post to the channel. */
const TEAMS_URL =
  'https://prod-12.westeurope.logic.azure.com:443/workflows/0123456789abcdef0123456789abcdef/triggers/manual/paths/invoke' +
  '?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=TeamsSignature0123456789abcdefghijklmnopq';
const OTHER_TEAMS_URL =
  'https://prod-34.northeurope.logic.azure.com:443/workflows/fedcba9876543210fedcba9876543210/triggers/manual/paths/invoke' +
  '?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=OtherSignature9876543210zyxwvutsrqponmlk';
const LOCAL_TEAMS_URL = 'http://127.0.0.1:3000/_local/teams/ops?sig=LocalSignature0123';
const TEAMS_ONE_NAME =
  '"teams-webhook" takes exactly one Teams webhook name; it reads the URL from standard input';
const TEAMS_SCHEME =
  'The Teams webhook URL on standard input must start with https:// (http:// only for 127.0.0.1, localhost or [::1])';
const INVALID_WEBHOOK_NAME = (name: string): string =>
  `Invalid webhook name "${name}": use 1-64 characters from A-Z a-z 0-9 _ -, as in the notifier configuration`;

/** A deployed-style document: two keys, an API client and a property this tool must leave alone. */
const twoKeys = {
  activeLinkKeyId: 'k1',
  'linkKey.k0': KEY.k0,
  'linkKey.k1': KEY.k1,
  apiClients: [{ name: 'jira', sha256: JIRA_SHA256 }],
  futureSetting: 'kept as it is',
};

describe('parseKeysArguments', () => {
  const local = { kind: 'file', path: '/repo/.local/secrets.json' } as const;

  it.each<[string[], KeysCommand]>([
    [['list'], { command: 'list', source: local }],
    [['rotate'], { command: 'rotate', kid: undefined, source: local }],
    [
      ['rotate', '--kid', 'k2024-06_b', '--secret-id', 'arn:x'],
      { command: 'rotate', kid: 'k2024-06_b', source: { kind: 'secrets-manager', secretId: 'arn:x' } },
    ],
    [['rotate', '--kid', 'k'.repeat(32)], { command: 'rotate', kid: 'k'.repeat(32), source: local }],
    [
      ['retire', 'k0', 'local-1', '--secret-file', '/tmp/s.json'],
      { command: 'retire', kids: ['k0', 'local-1'], source: { kind: 'file', path: '/tmp/s.json' } },
    ],
    [['webhook-secret', 'jira'], { command: 'webhook-secret', name: 'jira', remove: false, source: local }],
    [
      ['webhook-secret', 'change-board_2', '--remove', '--secret-id', 'arn:x'],
      {
        command: 'webhook-secret',
        name: 'change-board_2',
        remove: true,
        source: { kind: 'secrets-manager', secretId: 'arn:x' },
      },
    ],
    [
      ['webhook-secret', 'w'.repeat(64)],
      { command: 'webhook-secret', name: 'w'.repeat(64), remove: false, source: local },
    ],
    [['slack-credentials'], { command: 'slack-credentials', remove: false, source: local }],
    [['teams-webhook', 'ops'], { command: 'teams-webhook', name: 'ops', remove: false, source: local }],
    [
      ['teams-webhook', 'change-advisory_2', '--remove', '--secret-id', 'arn:x'],
      {
        command: 'teams-webhook',
        name: 'change-advisory_2',
        remove: true,
        source: { kind: 'secrets-manager', secretId: 'arn:x' },
      },
    ],
    [
      ['teams-webhook', '--secret-file', '/tmp/s.json', 't'.repeat(64)],
      {
        command: 'teams-webhook',
        name: 't'.repeat(64),
        remove: false,
        source: { kind: 'file', path: '/tmp/s.json' },
      },
    ],
    [
      ['slack-credentials', '--remove', '--secret-id', 'arn:x'],
      { command: 'slack-credentials', remove: true, source: { kind: 'secrets-manager', secretId: 'arn:x' } },
    ],
  ])('%j', (argv, expected) => {
    expect(parseKeysArguments(argv, '/repo')).toEqual(expected);
  });

  it.each([['--help'], ['rotate', '-h'], ['retire', '--help'], ['webhook-secret', '-h']])(
    '%j asks for help',
    (...argv) => {
      expect(parseKeysArguments(argv, '/repo')).toBe('help');
    },
  );

  it.each<[string[], string]>([
    [[], 'Missing command: list, rotate, retire, webhook-secret, teams-webhook or slack-credentials'],
    [
      ['delete', 'k1'],
      'Unknown command "delete": use list, rotate, retire, webhook-secret, teams-webhook or slack-credentials',
    ],
    [['list', 'k1'], '"list" takes no arguments'],
    [['rotate', 'k2'], '"rotate" takes no arguments; choose the new key id with --kid'],
    [['rotate', '--kid', 'k 2'], 'Invalid --kid "k 2": use 1-32 characters from A-Z a-z 0-9 _ -'],
    [['rotate', '--kid', ''], 'Invalid --kid "": use 1-32 characters from A-Z a-z 0-9 _ -'],
    [
      ['rotate', '--kid', 'k'.repeat(33)],
      `Invalid --kid "${'k'.repeat(33)}": use 1-32 characters from A-Z a-z 0-9 _ -`,
    ],
    [['rotate', '--kid'], "Option '--kid <value>' argument missing"],
    [['list', '--kid', 'k2'], '--kid is only for "rotate"; "list" does not take it'],
    [['retire', 'k1', '--kid', 'k2'], '--kid is only for "rotate"; "retire" does not take it'],
    [['retire'], '"retire" needs at least one key id'],
    [['retire', 'k0', 'linkKey.k1'], 'Invalid key id "linkKey.k1": use 1-32 characters from A-Z a-z 0-9 _ -'],
    [['retire', 'k0', 'k1', 'k0'], 'Key id "k0" is given more than once'],
    [['webhook-secret'], '"webhook-secret" takes exactly one webhook name'],
    [['webhook-secret', '--remove'], '"webhook-secret" takes exactly one webhook name'],
    [['webhook-secret', 'jira', 'slack'], '"webhook-secret" takes exactly one webhook name'],
    [['webhook-secret', 'change.board'], INVALID_WEBHOOK_NAME('change.board')],
    [['webhook-secret', 'webhookSecret.jira'], INVALID_WEBHOOK_NAME('webhookSecret.jira')],
    [['webhook-secret', ''], INVALID_WEBHOOK_NAME('')],
    [['webhook-secret', 'w'.repeat(65), '--remove'], INVALID_WEBHOOK_NAME('w'.repeat(65))],
    [
      ['webhook-secret', 'jira', '--kid', 'k2'],
      '--kid is only for "rotate"; "webhook-secret" does not take it',
    ],
    [['teams-webhook'], TEAMS_ONE_NAME],
    [['teams-webhook', '--remove'], TEAMS_ONE_NAME],
    // A URL on the command line is refused as a second name, and never quoted.
    [['teams-webhook', 'ops', TEAMS_URL], TEAMS_ONE_NAME],
    [['teams-webhook', 'teamsWebhookUrl.ops'], INVALID_WEBHOOK_NAME('teamsWebhookUrl.ops')],
    [['teams-webhook', 'w'.repeat(65), '--remove'], INVALID_WEBHOOK_NAME('w'.repeat(65))],
    [['teams-webhook', 'ops', '--kid', 'k2'], '--kid is only for "rotate"; "teams-webhook" does not take it'],
    [
      ['slack-credentials', `bot-token=${'xoxb-'}x`],
      '"slack-credentials" takes no arguments; it reads signing-secret=... and bot-token=... lines from standard input',
    ],
    [
      ['slack-credentials', '--kid', 'k2'],
      '--kid is only for "rotate"; "slack-credentials" does not take it',
    ],
    [
      ['list', '--remove'],
      '--remove is only for "webhook-secret", "teams-webhook" and "slack-credentials"; "list" does not take it',
    ],
    [
      ['retire', 'k0', '--remove'],
      '--remove is only for "webhook-secret", "teams-webhook" and "slack-credentials"; "retire" does not take it',
    ],
    [
      ['rotate', '--secret-file', 'a', '--secret-id', 'b'],
      'Use either --secret-file or --secret-id, not both',
    ],
    [
      ['rotate', '--force'],
      "Unknown option '--force'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--force\"",
    ],
  ])('refuses %j', (argv, message) => {
    const error = thrownBy(() => parseKeysArguments(argv, '/repo'));

    expect(error).toBeInstanceOf(UsageError);
    expect(describeError(error)).toEqual({ name: 'UsageError', message });
  });
});

describe('parseSlackCredentialsInput', () => {
  it.each<[string, { signingSecret?: string; botToken?: string }]>([
    [
      `signing-secret=${SIGNING_SECRET}\nbot-token=${BOT_TOKEN}\n`,
      { signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN },
    ],
    [
      `\r\nbot-token=${BOT_TOKEN}\r\n\r\nsigning-secret=${SIGNING_SECRET}`,
      { signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN },
    ],
    [`bot-token=${BOT_TOKEN}`, { botToken: BOT_TOKEN }],
    [`signing-secret=${SIGNING_SECRET}\n`, { signingSecret: SIGNING_SECRET }],
  ])('%j', (text, expected) => {
    expect(parseSlackCredentialsInput(text)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['', 'Nothing to set: standard input has no "signing-secret=<value>" or "bot-token=<value>" line'],
    ['\n  \n', 'Nothing to set: standard input has no "signing-secret=<value>" or "bot-token=<value>" line'],
    [`\n${BOT_TOKEN}\n`, 'Line 2 of standard input is not "signing-secret=<value>" or "bot-token=<value>"'],
    [`token=${BOT_TOKEN}`, 'Line 1 of standard input is not "signing-secret=<value>" or "bot-token=<value>"'],
    [
      `Bot-Token=${BOT_TOKEN}`,
      'Line 1 of standard input is not "signing-secret=<value>" or "bot-token=<value>"',
    ],
    [
      `bot-token=${BOT_TOKEN}\nbot-token=${OTHER_BOT_TOKEN}`,
      '"bot-token=" is given more than once on standard input',
    ],
    [`bot-token=xoxp-${SIGNING_SECRET}`, INVALID_BOT_TOKEN],
    [`bot-token= ${BOT_TOKEN}`, INVALID_BOT_TOKEN],
    [`bot-token=${BOT_TOKEN} `, INVALID_BOT_TOKEN],
    [
      'signing-secret=0123456789abcde',
      'Invalid signing-secret on standard input: use 16 to 128 printable ASCII characters without spaces',
    ],
  ])('refuses %j, quoting no value', (text, message) => {
    const error = thrownBy(() => parseSlackCredentialsInput(text));

    expect(error).toBeInstanceOf(UsageError);
    expect(describeError(error)).toEqual({ name: 'UsageError', message });
    for (const value of [BOT_TOKEN, OTHER_BOT_TOKEN, SIGNING_SECRET, '0123456789abcde']) {
      expect(message).not.toContain(value);
    }
  });
});

describe('parseTeamsWebhookUrlInput', () => {
  it.each<[string, string]>([
    [`${TEAMS_URL}\n`, TEAMS_URL],
    [`${TEAMS_URL}\r\n`, TEAMS_URL],
    [`\n\n${TEAMS_URL}`, TEAMS_URL],
    [`${LOCAL_TEAMS_URL}\n \n`, LOCAL_TEAMS_URL],
  ])('%j', (text, expected) => {
    expect(parseTeamsWebhookUrlInput(text)).toBe(expected);
  });

  it.each<[string, string, string]>([
    ['nothing', '', 'Nothing to set: standard input is empty; give the Teams webhook URL on one line'],
    [
      'blank lines',
      '\n \r\n',
      'Nothing to set: standard input is empty; give the Teams webhook URL on one line',
    ],
    [
      'two URLs',
      `${TEAMS_URL}\n${OTHER_TEAMS_URL}\n`,
      'Standard input has 2 lines; give only the Teams webhook URL, on one line',
    ],
    [
      'a URL broken over three lines',
      `${TEAMS_URL.slice(0, 60)}\n${TEAMS_URL.slice(60, 120)}\n${TEAMS_URL.slice(120)}`,
      'Standard input has 3 lines; give only the Teams webhook URL, on one line',
    ],
    ['plain http to another host', TEAMS_URL.replace('https://', 'http://'), TEAMS_SCHEME],
    ['no scheme', TEAMS_URL.slice('https://'.length), TEAMS_SCHEME],
    [
      'a user name and password',
      TEAMS_URL.replace('https://', 'https://user:TeamsPassword@'),
      'The Teams webhook URL on standard input must not contain a user name or password',
    ],
    [
      'a leading space',
      ` ${TEAMS_URL}`,
      'The Teams webhook URL on standard input must be a URL of 1 to 2048 printable ASCII characters without spaces',
    ],
    [
      'a URL of 2049 characters',
      `${TEAMS_URL}${'x'.repeat(2049 - TEAMS_URL.length)}`,
      'The Teams webhook URL on standard input must be a URL of 1 to 2048 printable ASCII characters without spaces',
    ],
    ['no host', 'https://', 'The Teams webhook URL on standard input is not a valid URL'],
    [
      'a fragment',
      `${TEAMS_URL}#TeamsFragment`,
      'The Teams webhook URL on standard input must not contain a fragment (#...)',
    ],
  ])('refuses %s, quoting nothing of the input', (_case, text, message) => {
    const error = thrownBy(() => parseTeamsWebhookUrlInput(text));

    expect(error).toBeInstanceOf(UsageError);
    expect(describeError(error)).toEqual({ name: 'UsageError', message });
    expect(message).not.toMatch(/Signature|Password|Fragment|logic\.azure|sig=/);
  });
});

describe('docs/slack-app-manifest.yaml', () => {
  it('is a version 1 manifest with the bot scopes, interactivity and no socket mode', async () => {
    const manifest = parseYaml(
      await readFile(join(__dirname, '..', '..', 'docs', 'slack-app-manifest.yaml'), 'utf8'),
    );

    expect(manifest._metadata.major_version).toBe(1);
    expect(manifest.features.bot_user.display_name).toBe('SSM Approvals');
    expect(manifest.oauth_config.scopes).toEqual({
      bot: ['chat:write', 'chat:write.public', 'usergroups:read'],
    });
    expect(manifest.settings).toEqual({
      interactivity: {
        is_enabled: true,
        request_url: 'https://<ApiUrl output without trailing slash>/slack/interactions',
      },
      org_deploy_enabled: false,
      socket_mode_enabled: false,
      token_rotation_enabled: false,
    });
  });
});

describe('nextLinkKeyId', () => {
  it.each<[string[], string, string]>([
    [['k1'], 'k1', 'k2'],
    [['local-1'], 'local-1', 'local-2'],
    [['k0', 'k1'], 'k1', 'k2'],
    [['k1', 'k7'], 'k1', 'k8'],
    [['k9'], 'k9', 'k10'],
    [['k09'], 'k09', 'k10'],
    [['k001', 'k002'], 'k002', 'k003'],
    [['k1', 'local-3', 'k-5', 'kx2'], 'k1', 'k2'],
    [['9'], '9', '10'],
    [['prod'], 'prod', 'prod-2'],
    [['prod', 'prod-4'], 'prod', 'prod-5'],
    [['prod', 'prod-2'], 'prod-2', 'prod-3'],
    [[`k${'9'.repeat(30)}`], `k${'9'.repeat(30)}`, `k1${'0'.repeat(30)}`],
  ])('keys %j, active %s → %s', (kids, active, expected) => {
    expect(nextLinkKeyId(kids, active)).toBe(expected);
  });

  it.each([`k${'9'.repeat(31)}`, 'p'.repeat(31)])(
    'refuses to derive beyond 32 characters from %s',
    (active) => {
      const error = thrownBy(() => nextLinkKeyId([active], active));

      expect(describeError(error)).toEqual({
        name: 'SecretDocumentError',
        message: `Cannot derive a key id from "${active}" (the next one would be longer than 32 characters); choose one with --kid`,
      });
    },
  );
});

describe('withoutLinkKeys', () => {
  it('removes only those keys, keeping every other property in order', () => {
    const next = withoutLinkKeys(twoKeys, ['k0']);

    expect(JSON.stringify(next)).toBe(
      JSON.stringify({
        activeLinkKeyId: 'k1',
        'linkKey.k1': KEY.k1,
        apiClients: [{ name: 'jira', sha256: JIRA_SHA256 }],
        futureSetting: 'kept as it is',
      }),
    );
    expect(twoKeys['linkKey.k0']).toBe(KEY.k0);
  });

  it.each<[string, Record<string, unknown>, string[], string]>([
    ['an unknown id', twoKeys, ['k0', 'k9'], 'No link key with id "k9"'],
    [
      'the active key',
      twoKeys,
      ['k1'],
      'Link key "k1" is the active key (it signs new links); rotate first, then retire it',
    ],
    [
      'the active key with the others',
      twoKeys,
      ['k0', 'k1'],
      'Link key "k1" is the active key (it signs new links); rotate first, then retire it',
    ],
    [
      'the only key',
      { activeLinkKeyId: 'k1', 'linkKey.k1': KEY.k1 },
      ['k1'],
      'Link key "k1" is the only link key; rotate first, then retire it',
    ],
  ])('refuses %s', (_case, document, kids, message) => {
    const error = thrownBy(() => withoutLinkKeys(document, kids));

    expect(error).toBeInstanceOf(SecretDocumentError);
    expect(describeError(error)).toEqual({ name: 'SecretDocumentError', message });
  });
});

describe('withoutWebhookSecret', () => {
  const withSecrets = {
    ...twoKeys,
    'webhookSecret.jira': OLD_WEBHOOK_SECRET,
    'webhookSecret.change-board': COUNTING_KEY,
  };

  it('removes only that secret, keeping every other property in order', () => {
    expect(JSON.stringify(withoutWebhookSecret(withSecrets, 'jira'))).toBe(
      JSON.stringify({ ...twoKeys, 'webhookSecret.change-board': COUNTING_KEY }),
    );
    expect(withSecrets['webhookSecret.jira']).toBe(OLD_WEBHOOK_SECRET);
  });

  it('refuses a webhook without a secret', () => {
    const error = thrownBy(() => withoutWebhookSecret(withSecrets, 'slack'));

    expect(error).toBeInstanceOf(SecretDocumentError);
    expect(describeError(error)).toEqual({
      name: 'SecretDocumentError',
      message: 'No signing secret for webhook "slack"',
    });
  });
});

describe('runKeysCommand', () => {
  let directory: string;
  let stdout: string[];
  let stderr: string[];
  const client = new SecretsManagerClient({ region: 'eu-west-1' });
  const secretsManager = mockClient(client);
  /** What the tool reads on standard input, and how many times it read it. */
  let input: string;
  let stdinReads: number;
  const dependencies = (): KeysDependencies => ({
    stdin: async () => {
      stdinReads += 1;
      return input;
    },
    stdout: (text) => stdout.push(text),
    stderr: (text) => stderr.push(text),
    secretsManager: () => client,
    now: () => NOW,
    cwd: directory,
    randomBytes: () => counting,
  });
  const run = (...argv: string[]) => runKeysCommand(argv, dependencies());
  /** Everything the tool printed, to check that no key value is among it. */
  const printed = (): string => [...stdout, ...stderr].join('');
  const clearOutput = (): void => {
    stdout = [];
    stderr = [];
  };

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'keys-cli-'));
    clearOutput();
    input = '';
    stdinReads = 0;
    secretsManager.reset();
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  describe('on a secret file', () => {
    // A space in the name: the suggested retire command must quote it.
    let file: string;
    beforeEach(async () => {
      file = join(directory, 'my secrets.json');
      await writeSecretFile(file, twoKeys);
    });

    it('lists the key ids in stored order, marking the active one, and no key value', async () => {
      expect(await run('list', '--secret-file', file)).toBe(0);

      expect(stdout).toEqual(['k0\nk1 (active)\n']);
      expect(stderr).toEqual([]);
    });

    it('rotates: a new k2 signs, k0 and k1 stay, the rest of the document is untouched (mode 0600)', async () => {
      // When
      const code = await run('rotate', '--secret-file', file);

      // Then
      expect(code).toBe(0);
      expect(await readFile(file, 'utf8')).toBe(
        serializeSecretDocument({
          activeLinkKeyId: 'k2',
          'linkKey.k0': KEY.k0,
          'linkKey.k1': KEY.k1,
          apiClients: [{ name: 'jira', sha256: JIRA_SHA256 }],
          futureSetting: 'kept as it is',
          'linkKey.k2': COUNTING_KEY,
        }),
      );
      expect(await mode(file)).toBe(0o600);
      expect((await readdir(directory)).sort()).toEqual(['my secrets.json']);
      expect(stdout).toEqual(['k2\n']);
      expect(stderr).toEqual([
        `Added link key "k2" to ${file}; it signs new links from now on.\n` +
          'Kept, still verifying the links already sent: "k0", "k1".\n' +
          'New links work at once: a function that meets a key id it has not cached re-reads the secret.\n' +
          'Retire the old keys once every link signed with them has expired, i.e. after the longest --ttl handed out ' +
          `(at most 30 days: by ${THIRTY_DAYS_LATER} at the latest):\n` +
          `  npm run keys -- retire k0 k1 --secret-file '${file}'\n`,
      ]);
      for (const key of [KEY.k0, KEY.k1, COUNTING_KEY]) {
        expect(printed()).not.toContain(key);
      }
    });

    it('rotates to the --kid given, and refuses one that exists without changing the file', async () => {
      expect(await run('rotate', '--kid', '2025-03', '--secret-file', file)).toBe(0);
      expect(stdout).toEqual(['2025-03\n']);
      const rotated = await readFile(file, 'utf8');
      expect(JSON.parse(rotated)).toEqual({
        ...twoKeys,
        activeLinkKeyId: '2025-03',
        'linkKey.2025-03': COUNTING_KEY,
      });
      clearOutput();

      expect(await run('rotate', '--kid', 'k0', '--secret-file', file)).toBe(1);

      expect(stdout).toEqual([]);
      expect(stderr).toEqual(['Error: SecretDocumentError: A link key with id "k0" already exists\n']);
      expect(await readFile(file, 'utf8')).toBe(rotated);
    });

    it('retires keys that are not active (mode 0600) and says what remains', async () => {
      await run('rotate', '--secret-file', file);
      clearOutput();

      // When
      const code = await run('retire', 'k0', 'k1', '--secret-file', file);

      // Then
      expect(code).toBe(0);
      expect(await readFile(file, 'utf8')).toBe(
        serializeSecretDocument({
          activeLinkKeyId: 'k2',
          apiClients: [{ name: 'jira', sha256: JIRA_SHA256 }],
          futureSetting: 'kept as it is',
          'linkKey.k2': COUNTING_KEY,
        }),
      );
      expect(await mode(file)).toBe(0o600);
      expect(stdout).toEqual([]);
      expect(stderr).toEqual([
        `Retired link keys "k0", "k1" from ${file}. Links signed with them stop working once the functions re-read the secret (5 minutes by default).\n` +
          'Remaining: "k2"; active: "k2".\n',
      ]);
    });

    it('words the retirement of one key in the singular', async () => {
      expect(await run('retire', 'k0', '--secret-file', file)).toBe(0);

      expect(stderr).toEqual([
        `Retired link key "k0" from ${file}. Links signed with it stop working once the functions re-read the secret (5 minutes by default).\n` +
          'Remaining: "k1"; active: "k1".\n',
      ]);
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
        activeLinkKeyId: 'k1',
        'linkKey.k1': KEY.k1,
        apiClients: [{ name: 'jira', sha256: JIRA_SHA256 }],
        futureSetting: 'kept as it is',
      });
    });

    it.each<[string[], string]>([
      [['k1'], 'Link key "k1" is the active key (it signs new links); rotate first, then retire it'],
      [['k0', 'k1'], 'Link key "k1" is the active key (it signs new links); rotate first, then retire it'],
      [['k0', 'k9'], 'No link key with id "k9"'],
    ])('refuses to retire %j (exit 1) and changes nothing', async (kids, message) => {
      const before = await readFile(file, 'utf8');

      expect(await run('retire', ...kids, '--secret-file', file)).toBe(1);

      expect(stderr).toEqual([`Error: SecretDocumentError: ${message}\n`]);
      expect(await readFile(file, 'utf8')).toBe(before);
    });

    it('keeps links signed before a rotation working until their key is retired', async () => {
      // Given a link signed with k1
      const input = {
        executionId: EXECUTION_ID,
        actions: ['approve'] as const,
        approver: 'a',
        ttlSeconds: 600,
      };
      const before = parseSecretDocument(await readFile(file, 'utf8'));
      const oldLink = await signLinkToken(before, input);

      // When the key is rotated
      await run('rotate', '--secret-file', file);

      // Then the old link still verifies, and new links are signed with k2
      const rotated = parseSecretDocument(await readFile(file, 'utf8'));
      expect((await verifyLinkToken(rotated, oldLink)).keyId).toBe('k1');
      const newLink = await signLinkToken(rotated, input);
      expect((await verifyLinkToken(rotated, newLink)).keyId).toBe('k2');

      // When k1 is retired
      expect(await run('retire', 'k1', '--secret-file', file)).toBe(0);

      // Then the old link is refused as signed with an unknown key, and the new one still verifies
      const retired = parseSecretDocument(await readFile(file, 'utf8'));
      const error = await rejectionOf(verifyLinkToken(retired, oldLink));
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(describeError(error)).toEqual({
        name: 'AuthenticationError',
        message: 'The link was signed with a key that is no longer accepted. Ask for a new link.',
        status: 401,
        reason: 'unknown-key-id',
        cause: { name: 'Error', message: 'the "kid" header names no link key' },
      });
      expect((await verifyLinkToken(retired, newLink)).keyId).toBe('k2');
    });
  });

  describe('webhook secrets on a secret file', () => {
    let file: string;
    beforeEach(async () => {
      file = join(directory, 'my secrets.json');
      await writeSecretFile(file, twoKeys);
    });

    it('creates a webhook secret, printing it once on stdout, the notes on stderr (mode 0600)', async () => {
      // When
      const code = await run('webhook-secret', 'jira', '--secret-file', file);

      // Then
      expect(code).toBe(0);
      expect(await readFile(file, 'utf8')).toBe(
        serializeSecretDocument({ ...twoKeys, 'webhookSecret.jira': COUNTING_KEY }),
      );
      expect(await mode(file)).toBe(0o600);
      expect((await readdir(directory)).sort()).toEqual(['my secrets.json']);
      expect(stdout).toEqual([`${COUNTING_KEY}\n`]);
      expect(stderr).toEqual([
        `Set the signing secret of webhook "jira" in ${file}; the value above is shown only this once.\n` +
          RECEIVER_LINE,
      ]);
      expect(printed().split(COUNTING_KEY)).toHaveLength(2);
    });

    it('prints the value the notifier signs with', async () => {
      await run('webhook-secret', 'jira', '--secret-file', file);
      const printedSecret = (stdout[0] as string).trimEnd();

      const stored = parseSecretDocument(await readFile(file, 'utf8')).webhookSecrets.get('jira') as string;
      const body = '{"type":"ssm-approval-webhook.gate-waiting"}';
      const timestamp = Math.floor(NOW.getTime() / 1000);

      expect(printedSecret).toHaveLength(43);
      expect(
        verifyWebhookSignature(
          printedSecret,
          { timestamp: String(timestamp), signature: signWebhookBody(stored, timestamp, body) },
          body,
          NOW,
        ),
      ).toBe(true);
    });

    it('replaces an existing secret in place and says the receiver must switch, never printing the old one', async () => {
      await writeSecretFile(file, {
        ...twoKeys,
        'webhookSecret.jira': OLD_WEBHOOK_SECRET,
        'webhookSecret.change-board': OLD_WEBHOOK_SECRET,
      });

      expect(await run('webhook-secret', 'jira', '--secret-file', file)).toBe(0);

      expect(await readFile(file, 'utf8')).toBe(
        serializeSecretDocument({
          ...twoKeys,
          'webhookSecret.jira': COUNTING_KEY,
          'webhookSecret.change-board': OLD_WEBHOOK_SECRET,
        }),
      );
      expect(stdout).toEqual([`${COUNTING_KEY}\n`]);
      expect(stderr).toEqual([
        `Set the signing secret of webhook "jira" in ${file}; the value above is shown only this once.\n` +
          RECEIVER_LINE +
          REPLACED_LINE,
      ]);
      expect(printed()).not.toContain(OLD_WEBHOOK_SECRET);
    });

    it('lists the webhooks that have a secret in their own section, and no secret value', async () => {
      await writeSecretFile(file, {
        ...twoKeys,
        'webhookSecret.jira': OLD_WEBHOOK_SECRET,
        'webhookSecret.change-board': COUNTING_KEY,
      });

      expect(await run('list', '--secret-file', file)).toBe(0);

      expect(stdout).toEqual(['k0\nk1 (active)\n\nWebhook signing secrets:\n  jira\n  change-board\n']);
      expect(stderr).toEqual([]);
      for (const value of [OLD_WEBHOOK_SECRET, COUNTING_KEY, KEY.k0, KEY.k1]) {
        expect(printed()).not.toContain(value);
      }
    });

    it('removes a webhook secret, leaving the rest of the document as it was (mode 0600)', async () => {
      await run('webhook-secret', 'jira', '--secret-file', file);
      await run('webhook-secret', 'change-board', '--secret-file', file);
      clearOutput();

      // When
      const code = await run('webhook-secret', 'jira', '--remove', '--secret-file', file);

      // Then
      expect(code).toBe(0);
      expect(await readFile(file, 'utf8')).toBe(
        serializeSecretDocument({ ...twoKeys, 'webhookSecret.change-board': COUNTING_KEY }),
      );
      expect(await mode(file)).toBe(0o600);
      expect(stdout).toEqual([]);
      expect(stderr).toEqual([
        `Removed the signing secret of webhook "jira" from ${file}. ` +
          'Deliveries to it fail once the notifier re-reads the secret (5 minutes by default).\n',
      ]);
      clearOutput();

      expect(await run('list', '--secret-file', file)).toBe(0);
      expect(stdout).toEqual(['k0\nk1 (active)\n\nWebhook signing secrets:\n  change-board\n']);
    });

    it('refuses to remove a secret that is not there (exit 1) and changes nothing', async () => {
      const before = await readFile(file, 'utf8');

      expect(await run('webhook-secret', 'jira', '--remove', '--secret-file', file)).toBe(1);

      expect(stdout).toEqual([]);
      expect(stderr).toEqual(['Error: SecretDocumentError: No signing secret for webhook "jira"\n']);
      expect(await readFile(file, 'utf8')).toBe(before);
    });

    it('refuses a bad webhook name (exit 2) naming the rule, and changes nothing', async () => {
      const before = await readFile(file, 'utf8');

      expect(await run('webhook-secret', 'change board', '--secret-file', file)).toBe(2);

      expect(stdout).toEqual([]);
      expect(stderr).toEqual([
        `Error: ${INVALID_WEBHOOK_NAME('change board')}\nRun with --help for usage.\n`,
      ]);
      expect(await readFile(file, 'utf8')).toBe(before);
    });
  });

  describe('Slack credentials on a secret file', () => {
    let file: string;
    beforeEach(async () => {
      file = join(directory, 'my secrets.json');
      await writeSecretFile(file, twoKeys);
    });

    it('sets both from standard input, printing which properties changed and no value (mode 0600)', async () => {
      input = `signing-secret=${SIGNING_SECRET}\nbot-token=${BOT_TOKEN}\n`;

      // When
      const code = await run('slack-credentials', '--secret-file', file);

      // Then
      expect(code).toBe(0);
      expect(stdinReads).toBe(1);
      expect(await readFile(file, 'utf8')).toBe(
        serializeSecretDocument({ ...twoKeys, slackSigningSecret: SIGNING_SECRET, slackBotToken: BOT_TOKEN }),
      );
      expect(await mode(file)).toBe(0o600);
      expect((await readdir(directory)).sort()).toEqual(['my secrets.json']);
      expect(stdout).toEqual([]);
      expect(stderr).toEqual([
        `Slack credentials in ${file}: slackSigningSecret added, slackBotToken added.\n`,
      ]);
      clearOutput();

      expect(await run('list', '--secret-file', file)).toBe(0);
      expect(stdout).toEqual(['k0\nk1 (active)\n\nSlack: signing secret set, bot token set\n']);
      expect(stderr).toEqual([]);
    });

    it('replaces the one given in place, keeps the other, and says which changed', async () => {
      await writeSecretFile(file, {
        ...twoKeys,
        slackSigningSecret: SIGNING_SECRET,
        slackBotToken: BOT_TOKEN,
      });
      input = `bot-token=${OTHER_BOT_TOKEN}\n`;

      expect(await run('slack-credentials', '--secret-file', file)).toBe(0);

      expect(await readFile(file, 'utf8')).toBe(
        serializeSecretDocument({
          ...twoKeys,
          slackSigningSecret: SIGNING_SECRET,
          slackBotToken: OTHER_BOT_TOKEN,
        }),
      );
      expect(stderr).toEqual([`Slack credentials in ${file}: slackBotToken replaced.\n`]);
      clearOutput();

      input = `signing-secret=${SIGNING_SECRET}\nbot-token=${BOT_TOKEN}\n`;
      expect(await run('slack-credentials', '--secret-file', file)).toBe(0);
      expect(stderr).toEqual([
        `Slack credentials in ${file}: slackSigningSecret unchanged, slackBotToken replaced.\n`,
      ]);
      expect(stdout).toEqual([]);
    });

    it('lists a signing secret without a bot token', async () => {
      input = `signing-secret=${SIGNING_SECRET}`;
      expect(await run('slack-credentials', '--secret-file', file)).toBe(0);
      clearOutput();

      expect(await run('list', '--secret-file', file)).toBe(0);

      expect(stdout).toEqual(['k0\nk1 (active)\n\nSlack: signing secret set, bot token not set\n']);
    });

    it('refuses a bad bot token (exit 2) naming the rule, not the value, and changes nothing', async () => {
      const before = await readFile(file, 'utf8');
      input = `signing-secret=${SIGNING_SECRET}\nbot-token=xoxp-${SIGNING_SECRET}\n`;

      expect(await run('slack-credentials', '--secret-file', file)).toBe(2);

      expect(stdout).toEqual([]);
      expect(stderr).toEqual([`Error: ${INVALID_BOT_TOKEN}\nRun with --help for usage.\n`]);
      expect(printed()).not.toContain(SIGNING_SECRET);
      expect(await readFile(file, 'utf8')).toBe(before);
    });

    it('refuses a bot token without a signing secret (exit 1) and changes nothing', async () => {
      const before = await readFile(file, 'utf8');
      input = `bot-token=${BOT_TOKEN}\n`;

      expect(await run('slack-credentials', '--secret-file', file)).toBe(1);

      expect(stdout).toEqual([]);
      expect(stderr).toEqual([
        'Error: SecretDocumentError: A Slack bot token needs a Slack signing secret; set both\n',
      ]);
      expect(await readFile(file, 'utf8')).toBe(before);
    });

    it('removes both with --remove without reading standard input, and refuses when none are set', async () => {
      await writeSecretFile(file, {
        ...twoKeys,
        slackSigningSecret: SIGNING_SECRET,
        slackBotToken: BOT_TOKEN,
      });

      expect(await run('slack-credentials', '--remove', '--secret-file', file)).toBe(0);

      expect(stdinReads).toBe(0);
      expect(await readFile(file, 'utf8')).toBe(serializeSecretDocument(twoKeys));
      expect(stdout).toEqual([]);
      expect(stderr).toEqual([`Removed slackSigningSecret, slackBotToken from ${file}.\n`]);
      clearOutput();

      expect(await run('slack-credentials', '--remove', '--secret-file', file)).toBe(1);
      expect(stderr).toEqual(['Error: SecretDocumentError: No Slack credentials to remove\n']);
      expect(await readFile(file, 'utf8')).toBe(serializeSecretDocument(twoKeys));
      expect(printed()).not.toContain(BOT_TOKEN);
    });
  });

  describe('Teams webhooks on a secret file', () => {
    let file: string;
    beforeEach(async () => {
      file = join(directory, 'my secrets.json');
      await writeSecretFile(file, twoKeys);
    });
    /** Everything printed and written: the URLs appear only in the file. */
    const expectNoUrlPrinted = (): void => {
      for (const url of [TEAMS_URL, OTHER_TEAMS_URL, LOCAL_TEAMS_URL]) {
        expect(printed()).not.toContain(url);
      }
      expect(printed()).not.toMatch(/Signature|sig=/);
    };

    it('adds the URL from standard input, printing its property and never the URL (mode 0600)', async () => {
      input = `${TEAMS_URL}\n`;

      // When
      const code = await run('teams-webhook', 'ops', '--secret-file', file);

      // Then
      expect(code).toBe(0);
      expect(stdinReads).toBe(1);
      expect(await readFile(file, 'utf8')).toBe(
        serializeSecretDocument({ ...twoKeys, 'teamsWebhookUrl.ops': TEAMS_URL }),
      );
      expect(await mode(file)).toBe(0o600);
      expect((await readdir(directory)).sort()).toEqual(['my secrets.json']);
      expect(stdout).toEqual([]);
      expect(stderr).toEqual([
        `Added teamsWebhookUrl.ops to ${file}. The notifier posts to it for the rules that list "ops" under "teams".\n`,
      ]);
      expectNoUrlPrinted();
      expect(parseSecretDocument(await readFile(file, 'utf8')).teamsWebhookUrls).toEqual(
        new Map([['ops', TEAMS_URL]]),
      );
    });

    it('takes a loopback http URL, for local runs', async () => {
      input = LOCAL_TEAMS_URL;

      expect(await run('teams-webhook', 'ops', '--secret-file', file)).toBe(0);

      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
        ...twoKeys,
        'teamsWebhookUrl.ops': LOCAL_TEAMS_URL,
      });
      expectNoUrlPrinted();
    });

    it('replaces a URL in place, says when nothing changed, and lists names only', async () => {
      await writeSecretFile(file, {
        ...twoKeys,
        'teamsWebhookUrl.ops': TEAMS_URL,
        'teamsWebhookUrl.change-advisory': LOCAL_TEAMS_URL,
      });
      input = `${OTHER_TEAMS_URL}\n`;

      expect(await run('teams-webhook', 'ops', '--secret-file', file)).toBe(0);
      expect(await run('teams-webhook', 'ops', '--secret-file', file)).toBe(0);

      expect(await readFile(file, 'utf8')).toBe(
        serializeSecretDocument({
          ...twoKeys,
          'teamsWebhookUrl.ops': OTHER_TEAMS_URL,
          'teamsWebhookUrl.change-advisory': LOCAL_TEAMS_URL,
        }),
      );
      expect(stdout).toEqual([]);
      expect(stderr).toEqual([
        `Replaced teamsWebhookUrl.ops in ${file}. The notifier posts to the new URL once it re-reads the secret ` +
          '(5 minutes by default).\n',
        `teamsWebhookUrl.ops in ${file} already holds that URL; nothing changed.\n`,
      ]);
      clearOutput();

      expect(await run('list', '--secret-file', file)).toBe(0);
      expect(stdout).toEqual(['k0\nk1 (active)\n\nTeams webhooks:\n  ops\n  change-advisory\n']);
      expect(stderr).toEqual([]);
      expectNoUrlPrinted();
    });

    it('lists Teams webhooks between webhook signing secrets and Slack', async () => {
      await writeSecretFile(file, {
        ...twoKeys,
        'webhookSecret.jira': OLD_WEBHOOK_SECRET,
        'teamsWebhookUrl.ops': TEAMS_URL,
        slackSigningSecret: SIGNING_SECRET,
      });

      expect(await run('list', '--secret-file', file)).toBe(0);

      expect(stdout).toEqual([
        'k0\nk1 (active)\n\nWebhook signing secrets:\n  jira\n\nTeams webhooks:\n  ops\n' +
          '\nSlack: signing secret set, bot token not set\n',
      ]);
      expectNoUrlPrinted();
    });

    it.each<[string, string, string]>([
      ['plain http to another host', `${TEAMS_URL.replace('https://', 'http://')}\n`, TEAMS_SCHEME],
      [
        'two lines',
        `${TEAMS_URL}\n${OTHER_TEAMS_URL}\n`,
        'Standard input has 2 lines; give only the Teams webhook URL, on one line',
      ],
      ['nothing', '', 'Nothing to set: standard input is empty; give the Teams webhook URL on one line'],
      [
        'a user name',
        TEAMS_URL.replace('https://', 'https://someone@'),
        'The Teams webhook URL on standard input must not contain a user name or password',
      ],
    ])(
      'refuses %s on standard input (exit 2), quoting nothing, and changes nothing',
      async (_case, text, message) => {
        const before = await readFile(file, 'utf8');
        input = text;

        expect(await run('teams-webhook', 'ops', '--secret-file', file)).toBe(2);

        expect(stdout).toEqual([]);
        expect(stderr).toEqual([`Error: ${message}\nRun with --help for usage.\n`]);
        expectNoUrlPrinted();
        expect(await readFile(file, 'utf8')).toBe(before);
      },
    );

    it('refuses a bad name (exit 2) without reading standard input', async () => {
      const before = await readFile(file, 'utf8');
      input = TEAMS_URL;

      expect(await run('teams-webhook', 'ops.prod', '--secret-file', file)).toBe(2);

      expect(stdinReads).toBe(0);
      expect(stderr).toEqual([`Error: ${INVALID_WEBHOOK_NAME('ops.prod')}\nRun with --help for usage.\n`]);
      expect(await readFile(file, 'utf8')).toBe(before);
    });

    it('refuses a URL given on the command line (exit 2) without quoting it', async () => {
      expect(await run('teams-webhook', 'ops', TEAMS_URL, '--secret-file', file)).toBe(2);

      expect(stdinReads).toBe(0);
      expect(stderr).toEqual([`Error: ${TEAMS_ONE_NAME}\nRun with --help for usage.\n`]);
      expectNoUrlPrinted();
    });

    it('removes one with --remove without reading standard input, and refuses one not there', async () => {
      await writeSecretFile(file, {
        ...twoKeys,
        'teamsWebhookUrl.ops': TEAMS_URL,
        'teamsWebhookUrl.change-advisory': OTHER_TEAMS_URL,
      });

      expect(await run('teams-webhook', 'ops', '--remove', '--secret-file', file)).toBe(0);

      expect(stdinReads).toBe(0);
      expect(await readFile(file, 'utf8')).toBe(
        serializeSecretDocument({ ...twoKeys, 'teamsWebhookUrl.change-advisory': OTHER_TEAMS_URL }),
      );
      expect(await mode(file)).toBe(0o600);
      expect(stdout).toEqual([]);
      expect(stderr).toEqual([
        `Removed teamsWebhookUrl.ops from ${file}. ` +
          'Posts to that Teams webhook fail once the notifier re-reads the secret (5 minutes by default).\n',
      ]);
      clearOutput();

      const before = await readFile(file, 'utf8');
      expect(await run('teams-webhook', 'ops', '--remove', '--secret-file', file)).toBe(1);
      expect(stdout).toEqual([]);
      expect(stderr).toEqual(['Error: SecretDocumentError: No URL for Teams webhook "ops"\n']);
      expect(await readFile(file, 'utf8')).toBe(before);
      expectNoUrlPrinted();
    });

    it('refuses to touch a secret file whose stored Teams URL is invalid (exit 1), quoting nothing', async () => {
      const invalidUrl = 'http://example.com/hook?sig=StoredSignature';
      await writeFile(file, JSON.stringify({ ...twoKeys, 'teamsWebhookUrl.old': invalidUrl }), {
        mode: 0o600,
      });
      input = TEAMS_URL;

      expect(await run('teams-webhook', 'ops', '--secret-file', file)).toBe(1);
      expect(await run('list', '--secret-file', file)).toBe(1);

      expect(stdout).toEqual([]);
      const refusal =
        'Error: ConfigurationError: Invalid auth secret: "teamsWebhookUrl.old" must start with https:// ' +
        '(http:// only for 127.0.0.1, localhost or [::1])\n';
      expect(stderr).toEqual([refusal, refusal]);
      expect(printed()).not.toContain('StoredSignature');
      expectNoUrlPrinted();
    });
  });

  describe('on the default local store', () => {
    it('creates it with local-1 on first use, then rotates to local-2', async () => {
      const file = join(directory, '.local', 'secrets.json');

      expect(await run('rotate')).toBe(0);

      expect(stdout).toEqual(['local-2\n']);
      expect(stderr[0]).toBe(
        `Added link key "local-2" to ${file}; it signs new links from now on.\n` +
          'Kept, still verifying the links already sent: "local-1".\n' +
          'New links work at once: a function that meets a key id it has not cached re-reads the secret.\n' +
          'Retire the old keys once every link signed with them has expired, i.e. after the longest --ttl handed out ' +
          `(at most 30 days: by ${THIRTY_DAYS_LATER} at the latest):\n` +
          `  npm run keys -- retire local-1 --secret-file ${file}\n`,
      );
      // Both keys come from `counting`: the store created local-1 with the same random source.
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
        activeLinkKeyId: 'local-2',
        'linkKey.local-1': COUNTING_KEY,
        'linkKey.local-2': COUNTING_KEY,
        apiClients: [],
      });
      expect(await mode(file)).toBe(0o600);
      clearOutput();

      expect(await run('list')).toBe(0);
      expect(stdout).toEqual(['local-1\nlocal-2 (active)\n']);
    });
  });

  it('exits 2 for a usage error and 0 for --help', async () => {
    expect(await run('retire')).toBe(2);
    expect(stdout).toEqual([]);
    expect(stderr).toEqual(['Error: "retire" needs at least one key id\nRun with --help for usage.\n']);
    clearOutput();

    expect(await run('--help')).toBe(0);
    expect(stdout).toEqual([KEYS_USAGE]);
    expect(stderr).toEqual([]);
  });

  describe('on the deployed secret (mocked Secrets Manager)', () => {
    beforeEach(() => {
      secretsManager
        .on(GetSecretValueCommand)
        .resolves({ SecretString: JSON.stringify(twoKeys), VersionId: 'read-version' });
      secretsManager.on(PutSecretValueCommand).resolves({});
      secretsManager.on(UpdateSecretVersionStageCommand).resolves({});
    });
    /** The documents written, each as a pending version that then became AWSCURRENT in place of the one read. */
    const puts = () => {
      const written = secretsManager.commandCalls(PutSecretValueCommand).map((call) => call.args[0].input);
      const moves = secretsManager
        .commandCalls(UpdateSecretVersionStageCommand)
        .map((call) => call.args[0].input);
      expect(moves).toEqual(
        written.map((input) => ({
          SecretId: SECRET_ID,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: input.ClientRequestToken,
          RemoveFromVersionId: 'read-version',
        })),
      );
      return written.map(({ ClientRequestToken, VersionStages, ...input }) => {
        expect(ClientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
        expect(VersionStages).toEqual([PENDING_VERSION_STAGE]);
        return input;
      });
    };
    const gets = () => secretsManager.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input);

    it('rotates with GetSecretValue then PutSecretValue of the whole document, printing no key value', async () => {
      // When
      const code = await run('rotate', '--secret-id', SECRET_ID);

      // Then
      expect(code).toBe(0);
      expect(gets()).toEqual([{ SecretId: SECRET_ID }]);
      expect(puts()).toEqual([
        {
          SecretId: SECRET_ID,
          SecretString: JSON.stringify({
            activeLinkKeyId: 'k2',
            'linkKey.k0': KEY.k0,
            'linkKey.k1': KEY.k1,
            apiClients: [{ name: 'jira', sha256: JIRA_SHA256 }],
            futureSetting: 'kept as it is',
            'linkKey.k2': COUNTING_KEY,
          }),
        },
      ]);
      expect(stdout).toEqual(['k2\n']);
      expect(stderr).toEqual([
        `Added link key "k2" to Secrets Manager secret ${SECRET_ID}; it signs new links from now on.\n` +
          'Kept, still verifying the links already sent: "k0", "k1".\n' +
          'New links work at once: a function that meets a key id it has not cached re-reads the secret.\n' +
          'Retire the old keys once every link signed with them has expired, i.e. after the longest --ttl handed out ' +
          `(at most 30 days: by ${THIRTY_DAYS_LATER} at the latest):\n` +
          `  npm run keys -- retire k0 k1 --secret-id ${SECRET_ID}\n`,
      ]);
      for (const key of [KEY.k0, KEY.k1, COUNTING_KEY]) {
        expect(printed()).not.toContain(key);
      }
    });

    it('retires a key with one PutSecretValue', async () => {
      expect(await run('retire', 'k0', '--secret-id', SECRET_ID)).toBe(0);

      expect(puts()).toEqual([
        {
          SecretId: SECRET_ID,
          SecretString: JSON.stringify({
            activeLinkKeyId: 'k1',
            'linkKey.k1': KEY.k1,
            apiClients: [{ name: 'jira', sha256: JIRA_SHA256 }],
            futureSetting: 'kept as it is',
          }),
        },
      ]);
      expect(printed()).not.toContain(KEY.k1);
    });

    it('lists without writing', async () => {
      expect(await run('list', '--secret-id', SECRET_ID)).toBe(0);

      expect(stdout).toEqual(['k0\nk1 (active)\n']);
      expect(gets()).toEqual([{ SecretId: SECRET_ID }]);
      expect(puts()).toEqual([]);
    });

    it('sets a webhook secret with GetSecretValue then PutSecretValue of the whole document', async () => {
      expect(await run('webhook-secret', 'jira', '--secret-id', SECRET_ID)).toBe(0);

      expect(gets()).toEqual([{ SecretId: SECRET_ID }]);
      expect(puts()).toEqual([
        {
          SecretId: SECRET_ID,
          SecretString: JSON.stringify({ ...twoKeys, 'webhookSecret.jira': COUNTING_KEY }),
        },
      ]);
      expect(stdout).toEqual([`${COUNTING_KEY}\n`]);
      expect(stderr).toEqual([
        `Set the signing secret of webhook "jira" in Secrets Manager secret ${SECRET_ID}; ` +
          'the value above is shown only this once.\n' +
          RECEIVER_LINE,
      ]);
    });

    it('replaces and removes a webhook secret with one PutSecretValue each', async () => {
      const withJira = { ...twoKeys, 'webhookSecret.jira': OLD_WEBHOOK_SECRET };
      secretsManager
        .on(GetSecretValueCommand)
        .resolves({ SecretString: JSON.stringify(withJira), VersionId: 'read-version' });

      expect(await run('webhook-secret', 'jira', '--secret-id', SECRET_ID)).toBe(0);
      expect(await run('webhook-secret', 'jira', '--remove', '--secret-id', SECRET_ID)).toBe(0);

      expect(puts()).toEqual([
        {
          SecretId: SECRET_ID,
          SecretString: JSON.stringify({ ...twoKeys, 'webhookSecret.jira': COUNTING_KEY }),
        },
        { SecretId: SECRET_ID, SecretString: JSON.stringify(twoKeys) },
      ]);
      expect(stderr).toEqual([
        `Set the signing secret of webhook "jira" in Secrets Manager secret ${SECRET_ID}; ` +
          'the value above is shown only this once.\n' +
          RECEIVER_LINE +
          REPLACED_LINE,
        `Removed the signing secret of webhook "jira" from Secrets Manager secret ${SECRET_ID}. ` +
          'Deliveries to it fail once the notifier re-reads the secret (5 minutes by default).\n',
      ]);
      expect(printed()).not.toContain(OLD_WEBHOOK_SECRET);
    });

    it('sets Slack credentials with GetSecretValue then one PutSecretValue, printing no value', async () => {
      input = `signing-secret=${SIGNING_SECRET}\nbot-token=${BOT_TOKEN}\n`;

      expect(await run('slack-credentials', '--secret-id', SECRET_ID)).toBe(0);

      expect(gets()).toEqual([{ SecretId: SECRET_ID }]);
      expect(puts()).toEqual([
        {
          SecretId: SECRET_ID,
          SecretString: JSON.stringify({
            ...twoKeys,
            slackSigningSecret: SIGNING_SECRET,
            slackBotToken: BOT_TOKEN,
          }),
        },
      ]);
      expect(stdout).toEqual([]);
      expect(stderr).toEqual([
        `Slack credentials in Secrets Manager secret ${SECRET_ID}: slackSigningSecret added, slackBotToken added.\n`,
      ]);
    });

    it('sets, replaces and removes a Teams webhook URL with one PutSecretValue each, printing no URL', async () => {
      input = `${TEAMS_URL}\n`;

      expect(await run('teams-webhook', 'ops', '--secret-id', SECRET_ID)).toBe(0);
      secretsManager.on(GetSecretValueCommand).resolves({
        SecretString: JSON.stringify({ ...twoKeys, 'teamsWebhookUrl.ops': TEAMS_URL }),
        VersionId: 'read-version',
      });
      input = OTHER_TEAMS_URL;
      expect(await run('teams-webhook', 'ops', '--secret-id', SECRET_ID)).toBe(0);
      expect(await run('teams-webhook', 'ops', '--remove', '--secret-id', SECRET_ID)).toBe(0);

      expect(gets()).toEqual([{ SecretId: SECRET_ID }, { SecretId: SECRET_ID }, { SecretId: SECRET_ID }]);
      expect(puts()).toEqual([
        {
          SecretId: SECRET_ID,
          SecretString: JSON.stringify({ ...twoKeys, 'teamsWebhookUrl.ops': TEAMS_URL }),
        },
        {
          SecretId: SECRET_ID,
          SecretString: JSON.stringify({ ...twoKeys, 'teamsWebhookUrl.ops': OTHER_TEAMS_URL }),
        },
        { SecretId: SECRET_ID, SecretString: JSON.stringify(twoKeys) },
      ]);
      expect(stdinReads).toBe(2);
      expect(stdout).toEqual([]);
      expect(stderr).toEqual([
        `Added teamsWebhookUrl.ops to Secrets Manager secret ${SECRET_ID}. ` +
          'The notifier posts to it for the rules that list "ops" under "teams".\n',
        `Replaced teamsWebhookUrl.ops in Secrets Manager secret ${SECRET_ID}. ` +
          'The notifier posts to the new URL once it re-reads the secret (5 minutes by default).\n',
        `Removed teamsWebhookUrl.ops from Secrets Manager secret ${SECRET_ID}. ` +
          'Posts to that Teams webhook fail once the notifier re-reads the secret (5 minutes by default).\n',
      ]);
      expect(printed()).not.toMatch(/Signature|sig=/);
    });

    it('reads nothing from the secret when the Teams webhook URL is refused', async () => {
      input = TEAMS_URL.replace('https://', 'http://');

      expect(await run('teams-webhook', 'ops', '--secret-id', SECRET_ID)).toBe(2);

      expect(stderr).toEqual([`Error: ${TEAMS_SCHEME}\nRun with --help for usage.\n`]);
      expect(gets()).toEqual([]);
      expect(puts()).toEqual([]);
    });

    it('reads nothing from the secret when standard input is refused', async () => {
      input = 'bot-token=nope\n';

      expect(await run('slack-credentials', '--secret-id', SECRET_ID)).toBe(2);

      expect(gets()).toEqual([]);
      expect(puts()).toEqual([]);
    });

    it('writes nothing when it refuses', async () => {
      expect(await run('retire', 'k1', '--secret-id', SECRET_ID)).toBe(1);
      expect(await run('rotate', '--kid', 'k0', '--secret-id', SECRET_ID)).toBe(1);
      expect(await run('webhook-secret', 'jira', '--remove', '--secret-id', SECRET_ID)).toBe(1);
      expect(await run('teams-webhook', 'ops', '--remove', '--secret-id', SECRET_ID)).toBe(1);

      expect(stderr).toEqual([
        'Error: SecretDocumentError: Link key "k1" is the active key (it signs new links); rotate first, then retire it\n',
        'Error: SecretDocumentError: A link key with id "k0" already exists\n',
        'Error: SecretDocumentError: No signing secret for webhook "jira"\n',
        'Error: SecretDocumentError: No URL for Teams webhook "ops"\n',
      ]);
      expect(puts()).toEqual([]);
    });

    it('reports a failed PutSecretValue with exit 1 and no key value', async () => {
      const denied = Object.assign(
        new Error('User is not authorized to perform: secretsmanager:PutSecretValue'),
        {
          name: 'AccessDeniedException',
        },
      );
      secretsManager.on(PutSecretValueCommand).rejects(denied);

      expect(await run('rotate', '--secret-id', SECRET_ID)).toBe(1);

      expect(stdout).toEqual([]);
      expect(stderr).toEqual([
        'Error: AccessDeniedException: User is not authorized to perform: secretsmanager:PutSecretValue\n',
      ]);
    });
  });
});
