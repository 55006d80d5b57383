import {
  apiClientNames,
  LEGACY_API_SCOPE,
  newLinkKeyValue,
  newSecretDocument,
  parseSecretDocument,
  SecretDocumentError,
  serializeSecretDocument,
  TEAMS_WEBHOOK_URL_PREFIX,
  teamsWebhookNames,
  teamsWebhookUrlProblem,
  validateSecretDocument,
  withApiClient,
  withoutApiClient,
  withoutSlackCredentials,
  withoutTeamsWebhookUrl,
  withRotatedLinkKey,
  withSlackCredentials,
  withTeamsWebhookUrl,
  withWebhookSecret,
} from '../../lambda/auth/secret-document';
import { ConfigurationError } from '../../lambda/core/errors';
import { describeError, JIRA_SHA256, KEY, thrownBy } from './fixtures';

const OTHER_SHA256 = 'f'.repeat(64);
const valid = {
  activeLinkKeyId: 'k1',
  'linkKey.k1': KEY.k1,
  'linkKey.k0': KEY.k0,
  apiClients: [
    { name: 'jira', sha256: JIRA_SHA256 },
    { name: 'service-now.prod_2', sha256: OTHER_SHA256 },
  ],
};

describe('parseSecretDocument / validateSecretDocument', () => {
  it('builds the AuthConfig from a valid document', () => {
    // When
    const config = parseSecretDocument(JSON.stringify(valid));

    // Then
    expect(config).toEqual({
      activeLinkKeyId: 'k1',
      linkKeys: new Map([
        ['k1', new Uint8Array(Buffer.from(KEY.k1, 'utf8'))],
        ['k0', new Uint8Array(Buffer.from(KEY.k0, 'utf8'))],
      ]),
      apiClients: [
        { name: 'jira', sha256: Buffer.from(JIRA_SHA256, 'hex'), scope: LEGACY_API_SCOPE },
        { name: 'service-now.prod_2', sha256: Buffer.from(OTHER_SHA256, 'hex'), scope: LEGACY_API_SCOPE },
      ],
      webhookSecrets: new Map(),
      teamsWebhookUrls: new Map(),
    });
  });

  it('reads each outgoing webhook’s signing secret, and refuses short ones and bad names', () => {
    const base = { activeLinkKeyId: 'k1', 'linkKey.k1': KEY.k1 };
    const secret = 'whsec-0123456789abcdefghijklmnopqrstuv';
    expect(validateSecretDocument({ ...base, 'webhookSecret.jira': secret }).webhookSecrets).toEqual(
      new Map([['jira', secret]]),
    );
    expect(() => validateSecretDocument({ ...base, 'webhookSecret.jira': 'short' })).toThrow(
      'Invalid auth secret: "webhookSecret.jira" must be a string of at least 32 characters',
    );
    expect(() => validateSecretDocument({ ...base, 'webhookSecret.a b': secret })).toThrow(
      'Invalid auth secret: property "webhookSecret.a b" has an invalid webhook name (expected [A-Za-z0-9_-]{1,64})',
    );
    expect(withWebhookSecret(base, 'jira', secret)).toEqual({ ...base, 'webhookSecret.jira': secret });
  });

  it('treats a missing apiClients as none and ignores properties it does not know', () => {
    const config = validateSecretDocument({
      activeLinkKeyId: 'a_B-9',
      'linkKey.a_B-9': KEY.k1,
      futureSetting: 'x',
      linkKeyWithoutDot: 1,
    });

    expect(config).toEqual({
      activeLinkKeyId: 'a_B-9',
      linkKeys: new Map([['a_B-9', new Uint8Array(Buffer.from(KEY.k1, 'utf8'))]]),
      apiClients: [],
      webhookSecrets: new Map(),
      teamsWebhookUrls: new Map(),
    });
  });

  it('takes the key bytes as the UTF-8 bytes of the value, and 43 characters as the minimum', () => {
    const key = `${'é'.repeat(42)}x`;

    const config = validateSecretDocument({ activeLinkKeyId: 'k', 'linkKey.k': key });

    expect(config.linkKeys.get('k')).toEqual(new Uint8Array(Buffer.from(key, 'utf8')));
    expect(config.linkKeys.get('k')?.length).toBe(85);
  });

  it.each<[string, unknown, string]>([
    ['not JSON', '{"activeLinkKeyId": "k1", "linkKey.k1": "abc', 'Invalid auth secret: not valid JSON'],
    ['an array', '[]', 'Invalid auth secret: the document must be a JSON object'],
    ['null', 'null', 'Invalid auth secret: the document must be a JSON object'],
    ['a string', '"secret"', 'Invalid auth secret: the document must be a JSON object'],
    ['no link key', { activeLinkKeyId: 'k1' }, 'Invalid auth secret: no "linkKey.<kid>" property'],
    [
      'an empty key id',
      { activeLinkKeyId: 'k1', 'linkKey.': KEY.k1 },
      'Invalid auth secret: property "linkKey." has an invalid key id (expected [A-Za-z0-9_-]{1,32})',
    ],
    [
      'a key id with a space',
      { activeLinkKeyId: 'k1', 'linkKey.k 1': KEY.k1 },
      'Invalid auth secret: property "linkKey.k 1" has an invalid key id (expected [A-Za-z0-9_-]{1,32})',
    ],
    [
      'a 33-character key id',
      { activeLinkKeyId: 'k1', [`linkKey.${'a'.repeat(33)}`]: KEY.k1 },
      `Invalid auth secret: property "linkKey.${'a'.repeat(33)}" has an invalid key id (expected [A-Za-z0-9_-]{1,32})`,
    ],
    [
      'a key that is not a string',
      { activeLinkKeyId: 'k1', 'linkKey.k1': 12345 },
      'Invalid auth secret: "linkKey.k1" must be a string',
    ],
    [
      'a 42-character key',
      { activeLinkKeyId: 'k1', 'linkKey.k1': 'a'.repeat(42) },
      'Invalid auth secret: "linkKey.k1" must be at least 43 characters long',
    ],
    [
      'no activeLinkKeyId',
      { 'linkKey.k1': KEY.k1 },
      'Invalid auth secret: "activeLinkKeyId" is missing or not a string',
    ],
    [
      'an activeLinkKeyId that is a number',
      { activeLinkKeyId: 1, 'linkKey.1': KEY.k1 },
      'Invalid auth secret: "activeLinkKeyId" is missing or not a string',
    ],
    [
      'an activeLinkKeyId naming no key',
      { activeLinkKeyId: 'k2', 'linkKey.k1': KEY.k1 },
      'Invalid auth secret: "activeLinkKeyId" does not name a "linkKey.<kid>" property',
    ],
    [
      'apiClients that is an object',
      { ...valid, apiClients: { jira: JIRA_SHA256 } },
      'Invalid auth secret: "apiClients" must be an array',
    ],
    ['apiClients null', { ...valid, apiClients: null }, 'Invalid auth secret: "apiClients" must be an array'],
    [
      'an api client that is a string',
      { ...valid, apiClients: ['jira'] },
      'Invalid auth secret: "apiClients[0]" must be an object',
    ],
    [
      'an api client without a name',
      { ...valid, apiClients: [{ sha256: JIRA_SHA256 }] },
      'Invalid auth secret: "apiClients[0].name" must match [A-Za-z0-9._-]{1,64}',
    ],
    [
      'an api client name with a space',
      { ...valid, apiClients: [{ name: 'my client', sha256: JIRA_SHA256 }] },
      'Invalid auth secret: "apiClients[0].name" must match [A-Za-z0-9._-]{1,64}',
    ],
    [
      'a 65-character api client name',
      { ...valid, apiClients: [{ name: 'n'.repeat(65), sha256: JIRA_SHA256 }] },
      'Invalid auth secret: "apiClients[0].name" must match [A-Za-z0-9._-]{1,64}',
    ],
    [
      'an uppercase hash',
      { ...valid, apiClients: [{ name: 'jira', sha256: JIRA_SHA256.toUpperCase() }] },
      'Invalid auth secret: "apiClients[0].sha256" must be 64 lowercase hexadecimal characters',
    ],
    [
      'a 63-character hash',
      { ...valid, apiClients: [{ name: 'jira', sha256: JIRA_SHA256.slice(1) }] },
      'Invalid auth secret: "apiClients[0].sha256" must be 64 lowercase hexadecimal characters',
    ],
    [
      'a repeated client name',
      {
        ...valid,
        apiClients: [
          { name: 'jira', sha256: JIRA_SHA256 },
          { name: 'other', sha256: OTHER_SHA256 },
          { name: 'jira', sha256: 'e'.repeat(64) },
        ],
      },
      'Invalid auth secret: "apiClients[2].name" repeats the name of "apiClients[0]"',
    ],
    [
      'a repeated hash',
      {
        ...valid,
        apiClients: [
          { name: 'jira', sha256: JIRA_SHA256 },
          { name: 'other', sha256: JIRA_SHA256 },
        ],
      },
      'Invalid auth secret: "apiClients[1].sha256" repeats the hash of "apiClients[0]"',
    ],
  ])('refuses %s with a message naming the problem, not the value', (_case, document, message) => {
    // When
    const error = thrownBy(() =>
      typeof document === 'string' ? parseSecretDocument(document) : validateSecretDocument(document),
    );

    // Then
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(describeError(error)).toEqual({ name: 'ConfigurationError', message });
  });

  it('does not keep the JSON parser error, which would quote secret material', () => {
    const error = thrownBy(() => parseSecretDocument('{"linkKey.k1": "super-secret-value", oops}'));

    expect((error as Error).cause).toBeUndefined();
    expect(JSON.stringify(describeError(error))).not.toContain('super-secret');
  });
});

describe('document changes', () => {
  const base = newSecretDocument('local-1', KEY.k1);

  it('newSecretDocument makes a valid document with one active key and no clients', () => {
    expect(base).toEqual({ activeLinkKeyId: 'local-1', 'linkKey.local-1': KEY.k1, apiClients: [] });
  });

  it('newLinkKeyValue is 32 random bytes as base64url (43 characters)', () => {
    const bytes = Buffer.from(Array.from({ length: 32 }, (_, index) => index));

    expect(newLinkKeyValue(() => bytes)).toBe('AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8');
    expect(newLinkKeyValue()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('adds, lists and removes API clients, keeping other properties', () => {
    const withExtra = { ...base, futureSetting: 'kept' };

    const added = withApiClient(withApiClient(withExtra, { name: 'jira', sha256: JIRA_SHA256 }), {
      name: 'other',
      sha256: OTHER_SHA256,
    });
    const removed = withoutApiClient(added, 'jira');

    expect(added).toEqual({
      ...withExtra,
      apiClients: [
        { name: 'jira', sha256: JIRA_SHA256 },
        { name: 'other', sha256: OTHER_SHA256 },
      ],
    });
    expect(apiClientNames(added)).toEqual(['jira', 'other']);
    expect(removed).toEqual({ ...withExtra, apiClients: [{ name: 'other', sha256: OTHER_SHA256 }] });
    expect(withExtra).toEqual({ ...base, futureSetting: 'kept' });
  });

  it('adds the first client to a document that has no apiClients property', () => {
    const document = { activeLinkKeyId: 'k1', 'linkKey.k1': KEY.k1 };

    expect(withApiClient(document, { name: 'jira', sha256: JIRA_SHA256 })).toEqual({
      ...document,
      apiClients: [{ name: 'jira', sha256: JIRA_SHA256 }],
    });
  });

  it('refuses a duplicate client and the removal of an unknown one', () => {
    const added = withApiClient(base, { name: 'jira', sha256: JIRA_SHA256 });

    const duplicate = thrownBy(() => withApiClient(added, { name: 'jira', sha256: OTHER_SHA256 }));
    const unknown = thrownBy(() => withoutApiClient(added, 'nobody'));

    expect(duplicate).toBeInstanceOf(SecretDocumentError);
    expect(describeError(duplicate)).toEqual({
      name: 'SecretDocumentError',
      message: 'An API client named "jira" already exists; revoke it first',
    });
    expect(describeError(unknown)).toEqual({
      name: 'SecretDocumentError',
      message: 'No API client named "nobody"',
    });
  });

  it('refuses to add an entry that would make the document invalid', () => {
    const error = thrownBy(() => withApiClient(base, { name: 'bad name', sha256: JIRA_SHA256 }));

    expect(describeError(error)).toEqual({
      name: 'ConfigurationError',
      message: 'Invalid auth secret: "apiClients[0].name" must match [A-Za-z0-9._-]{1,64}',
    });
  });

  it('rotates the link key: the new one signs, the old one stays', () => {
    const rotated = withRotatedLinkKey(base, 'local-2', KEY.k0);

    expect(rotated).toEqual({
      activeLinkKeyId: 'local-2',
      'linkKey.local-1': KEY.k1,
      'linkKey.local-2': KEY.k0,
      apiClients: [],
    });
    expect(describeError(thrownBy(() => withRotatedLinkKey(rotated, 'local-1', KEY.k9)))).toEqual({
      name: 'SecretDocumentError',
      message: 'A link key with id "local-1" already exists',
    });
  });

  it('serializes as pretty JSON with a final newline', () => {
    expect(serializeSecretDocument({ activeLinkKeyId: 'k1', 'linkKey.k1': KEY.k1 })).toBe(
      `{\n  "activeLinkKeyId": "k1",\n  "linkKey.k1": "${KEY.k1}"\n}\n`,
    );
  });
});

describe('Slack credentials', () => {
  const base = { activeLinkKeyId: 'k1', 'linkKey.k1': KEY.k1 };
  const SIGNING_SECRET = '0123456789abcdef0123456789abcdef';
  const BOT_TOKEN = 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx';

  it('reads them into AuthConfig.slack, present only with a signing secret', () => {
    expect(validateSecretDocument(base).slack).toBeUndefined();
    expect(validateSecretDocument({ ...base, slackSigningSecret: SIGNING_SECRET }).slack).toEqual({
      signingSecret: SIGNING_SECRET,
    });
    expect(
      validateSecretDocument({ ...base, slackSigningSecret: SIGNING_SECRET, slackBotToken: BOT_TOKEN }).slack,
    ).toEqual({ signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
  });

  it.each(['a'.repeat(16), '~'.repeat(128), '!#$%&()*+,-./:;<=>?@[]^_`{|}'])(
    'accepts the signing secret %s',
    (secret) => {
      expect(validateSecretDocument({ ...base, slackSigningSecret: secret }).slack).toEqual({
        signingSecret: secret,
      });
    },
  );

  it.each<[string, Record<string, unknown>, string]>([
    ['a 15-character signing secret', { slackSigningSecret: 'a'.repeat(15) }, 'slackSigningSecret'],
    ['a 129-character signing secret', { slackSigningSecret: 'a'.repeat(129) }, 'slackSigningSecret'],
    ['a signing secret with a space', { slackSigningSecret: 'secret with spaces ok?' }, 'slackSigningSecret'],
    ['a signing secret with non-ASCII', { slackSigningSecret: 'é'.repeat(20) }, 'slackSigningSecret'],
    ['a signing secret that is a number', { slackSigningSecret: 1234567890123456 }, 'slackSigningSecret'],
    [
      'a user token',
      { slackSigningSecret: SIGNING_SECRET, slackBotToken: 'xoxp-1234567890-abcdefghij' },
      'slackBotToken',
    ],
    [
      'a 19-character bot token',
      { slackSigningSecret: SIGNING_SECRET, slackBotToken: `xoxb-${'a'.repeat(14)}` },
      'slackBotToken',
    ],
    [
      'a 256-character bot token',
      { slackSigningSecret: SIGNING_SECRET, slackBotToken: `xoxb-${'a'.repeat(251)}` },
      'slackBotToken',
    ],
    [
      'a bot token with a space',
      { slackSigningSecret: SIGNING_SECRET, slackBotToken: `${BOT_TOKEN} x` },
      'slackBotToken',
    ],
    [
      'a bot token with a newline',
      { slackSigningSecret: SIGNING_SECRET, slackBotToken: `${BOT_TOKEN}\n` },
      'slackBotToken',
    ],
  ])('refuses %s, naming the property and not the value', (_case, slack, property) => {
    const error = thrownBy(() => validateSecretDocument({ ...base, ...slack }));

    expect(describeError(error)).toEqual({
      name: 'ConfigurationError',
      message:
        property === 'slackSigningSecret'
          ? 'Invalid auth secret: "slackSigningSecret" must be 16 to 128 printable ASCII characters without spaces'
          : 'Invalid auth secret: "slackBotToken" must start with "xoxb-" and be 20 to 255 printable ASCII characters without spaces',
    });
    for (const value of Object.values(slack)) {
      expect(JSON.stringify(describeError(error))).not.toContain(String(value));
    }
  });

  it('accepts bot tokens of 20 and 255 characters, and refuses one without a signing secret', () => {
    for (const token of [`xoxb-${'a'.repeat(15)}`, `xoxb-${'a'.repeat(250)}`]) {
      expect(
        validateSecretDocument({ ...base, slackSigningSecret: SIGNING_SECRET, slackBotToken: token }).slack,
      ).toEqual({ signingSecret: SIGNING_SECRET, botToken: token });
    }
    expect(
      describeError(thrownBy(() => validateSecretDocument({ ...base, slackBotToken: BOT_TOKEN }))),
    ).toEqual({
      name: 'ConfigurationError',
      message: 'Invalid auth secret: "slackBotToken" needs "slackSigningSecret" as well',
    });
  });

  it('sets, replaces in place, keeps what is not given, and removes both', () => {
    const withBoth = withSlackCredentials(base, { signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
    expect(JSON.stringify(withBoth)).toBe(
      JSON.stringify({ ...base, slackSigningSecret: SIGNING_SECRET, slackBotToken: BOT_TOKEN }),
    );

    const newSecret = 'f'.repeat(32);
    const replaced = withSlackCredentials({ ...withBoth, apiClients: [] }, { signingSecret: newSecret });
    expect(JSON.stringify(replaced)).toBe(
      JSON.stringify({ ...base, slackSigningSecret: newSecret, slackBotToken: BOT_TOKEN, apiClients: [] }),
    );

    expect(JSON.stringify(withoutSlackCredentials(replaced))).toBe(
      JSON.stringify({ ...base, apiClients: [] }),
    );
    expect(withoutSlackCredentials({ ...base, slackSigningSecret: SIGNING_SECRET })).toEqual(base);
  });

  it('refuses a bot token without a signing secret, an invalid value, and removing nothing', () => {
    expect(describeError(thrownBy(() => withSlackCredentials(base, { botToken: BOT_TOKEN })))).toEqual({
      name: 'SecretDocumentError',
      message: 'A Slack bot token needs a Slack signing secret; set both',
    });
    expect(
      describeError(
        thrownBy(() => withSlackCredentials(base, { signingSecret: SIGNING_SECRET, botToken: 'xoxb-short' })),
      ),
    ).toEqual({
      name: 'ConfigurationError',
      message:
        'Invalid auth secret: "slackBotToken" must start with "xoxb-" and be 20 to 255 printable ASCII characters without spaces',
    });
    const none = thrownBy(() => withoutSlackCredentials(base));
    expect(none).toBeInstanceOf(SecretDocumentError);
    expect(describeError(none)).toEqual({
      name: 'SecretDocumentError',
      message: 'No Slack credentials to remove',
    });
  });
});

describe('Teams workflow webhook URLs', () => {
  const base = { activeLinkKeyId: 'k1', 'linkKey.k1': KEY.k1 };
  /** The shape of a Teams "Workflows" (Power Automate) webhook URL: the signature is in the query. */
  const OPS_URL =
    'https://prod-12.westeurope.logic.azure.com:443/workflows/0123456789abcdef0123456789abcdef/triggers/manual/paths/invoke' +
    '?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=OpsSignature0123456789abcdefghijklmnopqrstu';
  const CAB_URL =
    'https://default0123456789abcdef.01.environment.api.powerplatform.com:443/powerautomate/automations/direct' +
    '/workflows/fedcba9876543210/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0' +
    '&sig=CabSignature9876543210zyxwvutsrqponmlkjihgf';
  const CHARACTERS = 'must be a URL of 1 to 2048 printable ASCII characters without spaces';
  const SCHEME = 'must start with https:// (http:// only for 127.0.0.1, localhost or [::1])';
  const USER_INFO = 'must not contain a user name or password';

  it('reads each one into AuthConfig.teamsWebhookUrls, by name, in stored order', () => {
    const config = validateSecretDocument({
      ...base,
      'teamsWebhookUrl.ops': OPS_URL,
      'teamsWebhookUrl.change-advisory_2': CAB_URL,
    });

    expect(config.teamsWebhookUrls).toEqual(
      new Map([
        ['ops', OPS_URL],
        ['change-advisory_2', CAB_URL],
      ]),
    );
    expect(validateSecretDocument(base).teamsWebhookUrls).toEqual(new Map());
    expect(TEAMS_WEBHOOK_URL_PREFIX).toBe('teamsWebhookUrl.');
  });

  it.each<[string, string]>([
    ['a Logic Apps workflow URL', OPS_URL],
    ['a Power Platform workflow URL', CAB_URL],
    ['an upper-case scheme and host', 'HTTPS://Example.COM/hook?sig=abc'],
    ['plain http to 127.0.0.1 (local runs)', 'http://127.0.0.1:3000/_local/teams/ops?sig=local'],
    ['plain http to localhost', 'http://localhost:3000/_local/teams/ops'],
    ['plain http to LOCALHOST', 'http://LOCALHOST/_local/teams/ops'],
    ['plain http to [::1]', 'http://[::1]:3000/_local/teams/ops'],
    ['an @ in the path and query', 'https://example.com/path@not-user-info?at=a@b'],
    ['2048 characters', `https://example.com/?sig=${'s'.repeat(2048 - 'https://example.com/?sig='.length)}`],
  ])('accepts %s', (_case, url) => {
    expect(teamsWebhookUrlProblem(url)).toBeUndefined();
    expect(validateSecretDocument({ ...base, 'teamsWebhookUrl.ops': url }).teamsWebhookUrls).toEqual(
      new Map([['ops', url]]),
    );
  });

  it.each<[string, unknown, string]>([
    ['a number', 12345, CHARACTERS],
    ['null', null, CHARACTERS],
    ['an empty string', '', CHARACTERS],
    [
      '2049 characters',
      `https://example.com/?sig=${'s'.repeat(2049 - 'https://example.com/?sig='.length)}`,
      CHARACTERS,
    ],
    ['a space', 'https://example.com/hook?sig=abc def', CHARACTERS],
    ['a final line break', 'https://example.com/hook?sig=abcdef\n', CHARACTERS],
    ['a tab', 'https://example.com/ho\tok?sig=abcdef', CHARACTERS],
    ['non-ASCII', 'https://exämple.com/hook?sig=abcdef', CHARACTERS],
    ['plain http to another host', 'http://example.com/hook?sig=abcdef', SCHEME],
    ['plain http to 127.0.0.2', 'http://127.0.0.2:3000/hook?sig=abcdef', SCHEME],
    ['plain http to a name starting with localhost', 'http://localhost.example.com/hook?sig=abcdef', SCHEME],
    ['another scheme', 'ftp://example.com/hook?sig=abcdef', SCHEME],
    ['no scheme', 'example.com/hook?sig=abcdef', SCHEME],
    ['a scheme without //', 'https:example.com/hook?sig=abcdef', SCHEME],
    ['a backslash after the scheme', 'https:\\\\example.com/hook?sig=abcdef', SCHEME],
    ['no host', 'https://', 'is not a valid URL'],
    ['an invalid host', 'https://exa%mple.com/hook?sig=abcdef', 'is not a valid URL'],
    ['an invalid port', 'https://example.com:99999/hook?sig=abcdef', 'is not a valid URL'],
    ['a user name and password', 'https://user:password-abcdef@example.com/hook', USER_INFO],
    ['a user name', 'https://user-abcdef@example.com/hook', USER_INFO],
    ['an empty user name', 'https://@example.com/hook?sig=abcdef', USER_INFO],
    ['a user name on loopback http', 'http://user-abcdef@127.0.0.1:3000/hook', USER_INFO],
    ['a fragment', 'https://example.com/hook?sig=abcdef#part', 'must not contain a fragment (#...)'],
  ])('refuses %s, naming the property and never quoting the URL', (_case, url, problem) => {
    const error = thrownBy(() => validateSecretDocument({ ...base, 'teamsWebhookUrl.ops': url }));

    expect(error).toBeInstanceOf(ConfigurationError);
    expect(describeError(error)).toEqual({
      name: 'ConfigurationError',
      message: `Invalid auth secret: "teamsWebhookUrl.ops" ${problem}`,
    });
    expect(teamsWebhookUrlProblem(url)).toBe(problem);
    if (typeof url === 'string' && url !== '') {
      expect(JSON.stringify(describeError(error))).not.toContain(url);
      expect(JSON.stringify(describeError(error))).not.toContain('abcdef');
    }
  });

  it.each([
    'teamsWebhookUrl.',
    'teamsWebhookUrl.a b',
    'teamsWebhookUrl.ops.prod',
    `teamsWebhookUrl.${'n'.repeat(65)}`,
  ])('refuses the property %j: an invalid webhook name', (property) => {
    const error = thrownBy(() => validateSecretDocument({ ...base, [property]: OPS_URL }));

    expect(describeError(error)).toEqual({
      name: 'ConfigurationError',
      message: `Invalid auth secret: property ${JSON.stringify(property)} has an invalid webhook name (expected [A-Za-z0-9_-]{1,64})`,
    });
    expect(JSON.stringify(describeError(error))).not.toContain('OpsSignature');
  });

  it('adds, replaces in place, lists and removes, keeping every other property in order', () => {
    const document = { ...base, 'webhookSecret.jira': 'whsec-0123456789abcdefghijklmnopqrstuv', future: 1 };

    const withOps = withTeamsWebhookUrl(document, 'ops', OPS_URL);
    const withBoth = withTeamsWebhookUrl(withOps, 'cab', CAB_URL);
    const replaced = withTeamsWebhookUrl(withBoth, 'ops', CAB_URL);
    const removed = withoutTeamsWebhookUrl(replaced, 'ops');

    expect(JSON.stringify(withBoth)).toBe(
      JSON.stringify({ ...document, 'teamsWebhookUrl.ops': OPS_URL, 'teamsWebhookUrl.cab': CAB_URL }),
    );
    expect(JSON.stringify(replaced)).toBe(
      JSON.stringify({ ...document, 'teamsWebhookUrl.ops': CAB_URL, 'teamsWebhookUrl.cab': CAB_URL }),
    );
    expect(teamsWebhookNames(withBoth)).toEqual(['ops', 'cab']);
    expect(JSON.stringify(removed)).toBe(JSON.stringify({ ...document, 'teamsWebhookUrl.cab': CAB_URL }));
    expect(teamsWebhookNames(removed)).toEqual(['cab']);
    expect(teamsWebhookNames(withoutTeamsWebhookUrl(removed, 'cab'))).toEqual([]);
    expect(withOps).toEqual({ ...document, 'teamsWebhookUrl.ops': OPS_URL });
  });

  it('refuses to remove a Teams webhook that has no URL, and to store an invalid URL', () => {
    const document = withTeamsWebhookUrl(base, 'ops', OPS_URL);

    const unknown = thrownBy(() => withoutTeamsWebhookUrl(document, 'cab'));
    const insecure = thrownBy(() =>
      withTeamsWebhookUrl(document, 'cab', 'http://example.com/hook?sig=secret-sig'),
    );
    const badName = thrownBy(() => withTeamsWebhookUrl(document, 'c a b', OPS_URL));

    expect(unknown).toBeInstanceOf(SecretDocumentError);
    expect(describeError(unknown)).toEqual({
      name: 'SecretDocumentError',
      message: 'No URL for Teams webhook "cab"',
    });
    expect(describeError(insecure)).toEqual({
      name: 'ConfigurationError',
      message: `Invalid auth secret: "teamsWebhookUrl.cab" ${SCHEME}`,
    });
    expect(describeError(badName)).toEqual({
      name: 'ConfigurationError',
      message:
        'Invalid auth secret: property "teamsWebhookUrl.c a b" has an invalid webhook name (expected [A-Za-z0-9_-]{1,64})',
    });
    for (const error of [unknown, insecure, badName]) {
      expect(JSON.stringify(describeError(error))).not.toMatch(/sig=|Signature/);
    }
  });

  it('refuses a document with an invalid URL even when removing another one', () => {
    const document = {
      ...base,
      'teamsWebhookUrl.ops': OPS_URL,
      'teamsWebhookUrl.bad': 'http://example.com/x',
    };

    expect(describeError(thrownBy(() => withoutTeamsWebhookUrl(document, 'ops')))).toEqual({
      name: 'ConfigurationError',
      message: `Invalid auth secret: "teamsWebhookUrl.bad" ${SCHEME}`,
    });
  });
});
