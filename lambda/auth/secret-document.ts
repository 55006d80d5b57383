/**
 * The auth secret document: one JSON object, stored as the SecretString of the stack's Secrets Manager
 * secret (or, locally, in `.local/secrets.json`). The CDK stack generates it at deploy time:
 *
 * ```json
 * { "activeLinkKeyId": "k1",
 *   "linkKey.k1": "<random, >= 43 chars>", "linkKey.k0": "<older key, still verifying>",
 *   "apiClients": [{ "name": "jira", "sha256": "<64 lowercase hex>" }] }
 * ```
 *
 * Optional: `webhookSecret.<name>` (the notifier's outgoing webhooks), and the Slack app's credentials,
 * `slackSigningSecret` (verifies Slack's requests) and `slackBotToken` (`xoxb-…`, posts messages), set
 * with `npm run keys -- slack-credentials`, and `teamsWebhookUrl.<name>` (the URL of a Teams "Workflows"
 * webhook, which the notifier posts its cards to), set with `npm run keys -- teams-webhook <name>`.
 *
 * Every message below names the problem and the property, never a value: these messages end up in logs.
 * Properties this module does not know are allowed and kept (assumption: the same secret may hold other
 * settings that other modules validate).
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { ConfigurationError } from '../core/errors';
import { RUNBOOK_PATTERN_RULE } from '../core/runbook-pattern';

/** What the webhook needs from the secret, validated. */
export interface AuthConfig {
  /** Every key that verifies links, by key id. Key bytes are the UTF-8 bytes of the stored string. */
  readonly linkKeys: ReadonlyMap<string, Uint8Array>;
  /** The key id that signs new links; always a key of `linkKeys`. */
  readonly activeLinkKeyId: string;
  readonly apiClients: readonly ApiClient[];
  /**
   * Signing secrets of the notifier's outgoing webhooks, by webhook name (`webhookSecret.<name>`): each
   * receiver verifies `v0:<timestamp>:<body>` HMAC-SHA256 with its own secret.
   */
  readonly webhookSecrets: ReadonlyMap<string, string>;
  /** The Slack app's credentials; present when the document has a `slackSigningSecret`. */
  readonly slack?: SlackCredentials;
  /**
   * Teams workflow webhook URLs, by name (`teamsWebhookUrl.<name>`). Such a URL carries its own signature
   * (`sig=` in the query): whoever has it can post to the channel, so it is a secret.
   */
  readonly teamsWebhookUrls: ReadonlyMap<string, string>;
}

export interface SlackCredentials {
  /** Verifies Slack's requests (lambda/slack/request-signature.ts). */
  readonly signingSecret: string;
  /** The bot token (`xoxb-…`) that posts messages. */
  readonly botToken?: string;
}

export interface ApiClient {
  readonly name: string;
  /** SHA-256 of the client's token (32 bytes). */
  readonly sha256: Buffer;
  readonly scope: ApiScope;
}

/**
 * What an API client may do: its actions, and the runbooks (name patterns, see
 * lambda/core/runbook-pattern.ts) whose executions it may act on. `signal` (the generic signal route) and
 * `complete` (stop with Type Complete, which ends a run as a success without its remaining steps) are
 * granted only explicitly.
 */
export interface ApiScope {
  readonly actions: readonly ApiAction[];
  readonly runbooks: readonly string[];
}

export const API_ACTIONS = ['approve', 'reject', 'stop', 'signal', 'complete'] as const;
export type ApiAction = (typeof API_ACTIONS)[number];

/**
 * The scope of an entry stored before scopes existed: approve and reject, on every runbook, which is
 * what a ticketing system needs. Narrow such entries by re-creating them with a scope (README).
 */
export const LEGACY_API_SCOPE: ApiScope = { actions: ['approve', 'reject'], runbooks: ['*'] };
export const MAX_SCOPE_RUNBOOK_PATTERNS = 20;

/** An `apiClients` entry as stored in the document. */
export interface ApiClientEntry {
  readonly name: string;
  /** 64 lowercase hex characters. */
  readonly sha256: string;
  /** @default LEGACY_API_SCOPE.actions */
  readonly actions?: readonly ApiAction[];
  /** @default LEGACY_API_SCOPE.runbooks */
  readonly runbooks?: readonly string[];
}

/** The stored JSON object. Validated before any use; unknown properties are kept as they are. */
export type SecretDocument = Readonly<Record<string, unknown>>;

export const LINK_KEY_PREFIX = 'linkKey.';
export const WEBHOOK_SECRET_PREFIX = 'webhookSecret.';
export const TEAMS_WEBHOOK_URL_PREFIX = 'teamsWebhookUrl.';
/** Webhook names, as in the notifier's configuration. */
export const WEBHOOK_NAME_RULE = /^[A-Za-z0-9_-]{1,64}$/;
/** 32 characters at least: 192 bits as base64url. */
export const MIN_WEBHOOK_SECRET_LENGTH = 32;
/** Teams workflow URLs are a few hundred characters; the limit leaves room and keeps out pasted non-URLs. */
export const MAX_TEAMS_WEBHOOK_URL_LENGTH = 2048;
/**
 * The hosts a Teams webhook URL may reach over plain `http://`: this machine only, where `npm start` runs
 * its Teams stand-in. Written as the WHATWG URL parser gives `hostname` (lowercase, IPv6 in brackets).
 */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];
export const SLACK_SIGNING_SECRET_PROPERTY = 'slackSigningSecret';
export const SLACK_BOT_TOKEN_PROPERTY = 'slackBotToken';
/**
 * Slack signing secrets are 32 hex characters; any 16-128 printable ASCII characters without spaces are
 * accepted, in case Slack changes the format.
 */
export const SLACK_SIGNING_SECRET_RULE = /^[\x21-\x7E]{16,128}$/;
export const SLACK_SIGNING_SECRET_WORDS = '16 to 128 printable ASCII characters without spaces';
/** Bot tokens: `xoxb-`, 20-255 characters in all, printable ASCII without whitespace. */
export const SLACK_BOT_TOKEN_RULE = /^xoxb-[\x21-\x7E]{15,250}$/;
export const SLACK_BOT_TOKEN_WORDS =
  'start with "xoxb-" and be 20 to 255 printable ASCII characters without spaces';
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
export const API_CLIENT_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** 43 characters: 256 bits as base64url (32 random bytes), and > 256 bits as 64 random alphanumerics. */
export const MIN_LINK_KEY_LENGTH = 43;
const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/;

/** A request to change the document that cannot be done (duplicate client, unknown client, ...). */
export class SecretDocumentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretDocumentError';
  }
}

const invalid = (problem: string): ConfigurationError =>
  new ConfigurationError(`Invalid auth secret: ${problem}`);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses the SecretString and validates it (see {@link validateSecretDocument}). */
export function parseSecretDocument(text: string): AuthConfig {
  return validateSecretDocument(parseJson(text));
}

/** Parses the JSON of a secret document, without validating its content. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // No `cause`: V8's SyntaxError quotes a piece of the input, which here is secret material.
    throw invalid('not valid JSON');
  }
}

/** Validates a parsed document and builds the AuthConfig from it; throws ConfigurationError. */
export function validateSecretDocument(document: unknown): AuthConfig {
  if (!isRecord(document)) {
    throw invalid('the document must be a JSON object');
  }
  const linkKeys = new Map<string, Uint8Array>();
  for (const [property, value] of Object.entries(document)) {
    if (!property.startsWith(LINK_KEY_PREFIX)) {
      continue;
    }
    const kid = property.slice(LINK_KEY_PREFIX.length);
    if (!KEY_ID_PATTERN.test(kid)) {
      throw invalid(
        `property ${JSON.stringify(property)} has an invalid key id (expected [A-Za-z0-9_-]{1,32})`,
      );
    }
    if (typeof value !== 'string') {
      throw invalid(`"${property}" must be a string`);
    }
    if (value.length < MIN_LINK_KEY_LENGTH) {
      throw invalid(`"${property}" must be at least ${MIN_LINK_KEY_LENGTH} characters long`);
    }
    linkKeys.set(kid, new Uint8Array(Buffer.from(value, 'utf8')));
  }
  if (linkKeys.size === 0) {
    throw invalid('no "linkKey.<kid>" property');
  }
  const activeLinkKeyId = document.activeLinkKeyId;
  if (typeof activeLinkKeyId !== 'string') {
    throw invalid('"activeLinkKeyId" is missing or not a string');
  }
  if (!linkKeys.has(activeLinkKeyId)) {
    throw invalid('"activeLinkKeyId" does not name a "linkKey.<kid>" property');
  }
  return {
    linkKeys,
    activeLinkKeyId,
    apiClients: validateApiClients(document.apiClients),
    webhookSecrets: validateWebhookSecrets(document),
    teamsWebhookUrls: validateTeamsWebhookUrls(document),
    ...validateSlackCredentials(document),
  };
}

function validateSlackCredentials(document: Record<string, unknown>): { slack?: SlackCredentials } {
  const signingSecret = document[SLACK_SIGNING_SECRET_PROPERTY];
  const botToken = document[SLACK_BOT_TOKEN_PROPERTY];
  if (
    signingSecret !== undefined &&
    (typeof signingSecret !== 'string' || !SLACK_SIGNING_SECRET_RULE.test(signingSecret))
  ) {
    throw invalid(`"${SLACK_SIGNING_SECRET_PROPERTY}" must be ${SLACK_SIGNING_SECRET_WORDS}`);
  }
  if (botToken !== undefined && (typeof botToken !== 'string' || !SLACK_BOT_TOKEN_RULE.test(botToken))) {
    throw invalid(`"${SLACK_BOT_TOKEN_PROPERTY}" must ${SLACK_BOT_TOKEN_WORDS}`);
  }
  if (signingSecret === undefined) {
    if (botToken !== undefined) {
      throw invalid(`"${SLACK_BOT_TOKEN_PROPERTY}" needs "${SLACK_SIGNING_SECRET_PROPERTY}" as well`);
    }
    return {};
  }
  return { slack: botToken === undefined ? { signingSecret } : { signingSecret, botToken } };
}

/**
 * The document with the Slack credentials given set (added, or replaced in place); the ones not given
 * stay as stored. A bot token needs a signing secret, given or stored.
 */
export function withSlackCredentials(
  document: SecretDocument,
  credentials: { readonly signingSecret?: string; readonly botToken?: string },
): SecretDocument {
  validateSecretDocument(document);
  const next = {
    ...document,
    ...(credentials.signingSecret === undefined
      ? {}
      : { [SLACK_SIGNING_SECRET_PROPERTY]: credentials.signingSecret }),
    ...(credentials.botToken === undefined ? {} : { [SLACK_BOT_TOKEN_PROPERTY]: credentials.botToken }),
  };
  if (next[SLACK_SIGNING_SECRET_PROPERTY] === undefined && next[SLACK_BOT_TOKEN_PROPERTY] !== undefined) {
    throw new SecretDocumentError('A Slack bot token needs a Slack signing secret; set both');
  }
  validateSecretDocument(next);
  return next;
}

/** The document without the Slack credentials; refuses a document that has none. */
export function withoutSlackCredentials(document: SecretDocument): SecretDocument {
  if (validateSecretDocument(document).slack === undefined) {
    throw new SecretDocumentError('No Slack credentials to remove');
  }
  const removed = new Set([SLACK_SIGNING_SECRET_PROPERTY, SLACK_BOT_TOKEN_PROPERTY]);
  const next = Object.fromEntries(Object.entries(document).filter(([key]) => !removed.has(key)));
  validateSecretDocument(next);
  return next;
}

function validateWebhookSecrets(document: Record<string, unknown>): Map<string, string> {
  const secrets = new Map<string, string>();
  for (const [property, value] of Object.entries(document)) {
    if (!property.startsWith(WEBHOOK_SECRET_PREFIX)) continue;
    const name = property.slice(WEBHOOK_SECRET_PREFIX.length);
    if (!WEBHOOK_NAME_RULE.test(name)) {
      throw invalid(
        `property ${JSON.stringify(property)} has an invalid webhook name (expected [A-Za-z0-9_-]{1,64})`,
      );
    }
    if (typeof value !== 'string' || value.length < MIN_WEBHOOK_SECRET_LENGTH) {
      throw invalid(`"${property}" must be a string of at least ${MIN_WEBHOOK_SECRET_LENGTH} characters`);
    }
    secrets.set(name, value);
  }
  return secrets;
}

/** The document with a (new or replaced) signing secret for the named webhook. */
export function withWebhookSecret(document: SecretDocument, name: string, secret: string): SecretDocument {
  const next = { ...document, [`${WEBHOOK_SECRET_PREFIX}${name}`]: secret };
  validateSecretDocument(next);
  return next;
}

/** The document without the named webhook's signing secret; refuses a webhook that has none. */
export function withoutWebhookSecret(document: SecretDocument, name: string): SecretDocument {
  if (!validateSecretDocument(document).webhookSecrets.has(name)) {
    throw new SecretDocumentError(`No signing secret for webhook "${name}"`);
  }
  const property = `${WEBHOOK_SECRET_PREFIX}${name}`;
  const next = Object.fromEntries(Object.entries(document).filter(([key]) => key !== property));
  validateSecretDocument(next);
  return next;
}

/** The names of the webhooks that have a signing secret, in stored order. */
export function webhookSecretNames(document: SecretDocument): string[] {
  return [...validateSecretDocument(document).webhookSecrets.keys()];
}

const TEAMS_WEBHOOK_URL_CHARACTERS = new RegExp(`^[\\x21-\\x7E]{1,${MAX_TEAMS_WEBHOOK_URL_LENGTH}}$`);
const TEAMS_WEBHOOK_URL_WORDS = `must be a URL of 1 to ${MAX_TEAMS_WEBHOOK_URL_LENGTH} printable ASCII characters without spaces`;
const TEAMS_WEBHOOK_URL_SCHEME_WORDS =
  'must start with https:// (http:// only for 127.0.0.1, localhost or [::1])';

/**
 * What is wrong with a Teams webhook URL, as a predicate for "<what> …" (e.g. `must not contain a user name
 * or password`), or undefined when it is fine. Never quotes the value: the URL's `sig=` query parameter is
 * what lets anyone post to the channel. The query is allowed (that is where Teams puts the signature).
 * Checked with the WHATWG URL parser; printable ASCII only, because the parser silently drops tabs and
 * newlines and trims spaces, so a URL with them would not be the one stored.
 */
export function teamsWebhookUrlProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || !TEAMS_WEBHOOK_URL_CHARACTERS.test(value)) {
    return TEAMS_WEBHOOK_URL_WORDS;
  }
  // On the text, not only the parsed URL: the parser also takes `https:host` and `https:\\host`.
  const scheme = /^(https?):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    return TEAMS_WEBHOOK_URL_SCHEME_WORDS;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Nothing of the parser's TypeError is kept: it quotes the input.
    return 'is not a valid URL';
  }
  if (scheme === 'http' && !LOOPBACK_HOSTS.includes(url.hostname)) {
    return TEAMS_WEBHOOK_URL_SCHEME_WORDS;
  }
  // An empty user name (`https://@host`) parses to none; refused all the same, as a copy mistake.
  const authority = /^[^/?#\\]*/.exec(value.slice(`${scheme}://`.length))?.[0] ?? '';
  if (url.username !== '' || url.password !== '' || authority.includes('@')) {
    return 'must not contain a user name or password';
  }
  if (value.includes('#')) {
    // Never sent to the server: a URL with one is a copy mistake.
    return 'must not contain a fragment (#...)';
  }
  return undefined;
}

function validateTeamsWebhookUrls(document: Record<string, unknown>): Map<string, string> {
  const urls = new Map<string, string>();
  for (const [property, value] of Object.entries(document)) {
    if (!property.startsWith(TEAMS_WEBHOOK_URL_PREFIX)) continue;
    const name = property.slice(TEAMS_WEBHOOK_URL_PREFIX.length);
    if (!WEBHOOK_NAME_RULE.test(name)) {
      throw invalid(
        `property ${JSON.stringify(property)} has an invalid webhook name (expected [A-Za-z0-9_-]{1,64})`,
      );
    }
    const problem = teamsWebhookUrlProblem(value);
    if (problem !== undefined) {
      throw invalid(`"${property}" ${problem}`);
    }
    urls.set(name, value as string);
  }
  return urls;
}

/** The document with a (new or replaced) URL for the named Teams workflow webhook. */
export function withTeamsWebhookUrl(document: SecretDocument, name: string, url: string): SecretDocument {
  const next = { ...document, [`${TEAMS_WEBHOOK_URL_PREFIX}${name}`]: url };
  validateSecretDocument(next);
  return next;
}

/** The document without the named Teams webhook's URL; refuses a Teams webhook that has none. */
export function withoutTeamsWebhookUrl(document: SecretDocument, name: string): SecretDocument {
  if (!validateSecretDocument(document).teamsWebhookUrls.has(name)) {
    throw new SecretDocumentError(`No URL for Teams webhook "${name}"`);
  }
  const property = `${TEAMS_WEBHOOK_URL_PREFIX}${name}`;
  const next = Object.fromEntries(Object.entries(document).filter(([key]) => key !== property));
  validateSecretDocument(next);
  return next;
}

/** The names of the Teams webhooks that have a URL, in stored order. */
export function teamsWebhookNames(document: SecretDocument): string[] {
  return [...validateSecretDocument(document).teamsWebhookUrls.keys()];
}

function validateApiClients(value: unknown): ApiClient[] {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value)) {
    throw invalid('"apiClients" must be an array');
  }
  const firstIndexByName = new Map<string, number>();
  const firstIndexByHash = new Map<string, number>();
  return value.map((entry: unknown, index): ApiClient => {
    const at = `apiClients[${index}]`;
    if (!isRecord(entry)) {
      throw invalid(`"${at}" must be an object`);
    }
    const { name, sha256, actions, runbooks } = entry;
    if (typeof name !== 'string' || !API_CLIENT_NAME_PATTERN.test(name)) {
      throw invalid(`"${at}.name" must match [A-Za-z0-9._-]{1,64}`);
    }
    if (typeof sha256 !== 'string' || !SHA256_HEX_PATTERN.test(sha256)) {
      throw invalid(`"${at}.sha256" must be 64 lowercase hexadecimal characters`);
    }
    const sameName = firstIndexByName.get(name);
    if (sameName !== undefined) {
      throw invalid(`"${at}.name" repeats the name of "apiClients[${sameName}]"`);
    }
    // Two clients with one token would make the recorded identity ambiguous.
    const sameHash = firstIndexByHash.get(sha256);
    if (sameHash !== undefined) {
      throw invalid(`"${at}.sha256" repeats the hash of "apiClients[${sameHash}]"`);
    }
    firstIndexByName.set(name, index);
    firstIndexByHash.set(sha256, index);
    return { name, sha256: Buffer.from(sha256, 'hex'), scope: validateScope(at, actions, runbooks) };
  });
}

/** Checks a scope's parts (each optional in the document); problems name the property, never a value. */
export function validateScope(at: string, actions: unknown, runbooks: unknown): ApiScope {
  if (
    actions !== undefined &&
    (!Array.isArray(actions) ||
      actions.length === 0 ||
      !actions.every((a) => (API_ACTIONS as readonly unknown[]).includes(a)) ||
      new Set(actions).size !== actions.length)
  ) {
    throw invalid(
      `"${at}.actions" must be a non-empty list of distinct values from ${API_ACTIONS.join(', ')}`,
    );
  }
  if (
    runbooks !== undefined &&
    (!Array.isArray(runbooks) ||
      runbooks.length === 0 ||
      runbooks.length > MAX_SCOPE_RUNBOOK_PATTERNS ||
      !runbooks.every((r) => typeof r === 'string' && RUNBOOK_PATTERN_RULE.test(r)))
  ) {
    throw invalid(
      `"${at}.runbooks" must be 1 to ${MAX_SCOPE_RUNBOOK_PATTERNS} runbook name patterns (A-Z a-z 0-9 _ . - and the wildcards * ?)`,
    );
  }
  return {
    actions: (actions as ApiAction[] | undefined) ?? LEGACY_API_SCOPE.actions,
    runbooks: (runbooks as string[] | undefined) ?? LEGACY_API_SCOPE.runbooks,
  };
}

/** A fresh link key value: 32 random bytes, base64url (43 characters, 256 bits). */
export function newLinkKeyValue(randomBytes: (size: number) => Buffer = nodeRandomBytes): string {
  return randomBytes(32).toString('base64url');
}

/** A fresh webhook signing secret: 32 random bytes, base64url (43 characters, 256 bits). */
export function newWebhookSecretValue(randomBytes: (size: number) => Buffer = nodeRandomBytes): string {
  return randomBytes(32).toString('base64url');
}

/** A new, valid document with one link key. */
export function newSecretDocument(kid: string, linkKey: string): SecretDocument {
  const document = { activeLinkKeyId: kid, [`${LINK_KEY_PREFIX}${kid}`]: linkKey, apiClients: [] };
  validateSecretDocument(document);
  return document;
}

/** The API client names in the document, in stored order. */
export function apiClientNames(document: SecretDocument): string[] {
  return validateSecretDocument(document).apiClients.map((client) => client.name);
}

/** The document with one more API client; refuses a name that is already there. */
export function withApiClient(document: SecretDocument, entry: ApiClientEntry): SecretDocument {
  const config = validateSecretDocument(document);
  if (config.apiClients.some((client) => client.name === entry.name)) {
    throw new SecretDocumentError(`An API client named "${entry.name}" already exists; revoke it first`);
  }
  const stored = Array.isArray(document.apiClients) ? document.apiClients : [];
  const added = {
    name: entry.name,
    sha256: entry.sha256,
    ...(entry.actions === undefined ? {} : { actions: [...entry.actions] }),
    ...(entry.runbooks === undefined ? {} : { runbooks: [...entry.runbooks] }),
  };
  const next = { ...document, apiClients: [...stored, added] };
  validateSecretDocument(next);
  return next;
}

/** The document without the named API client; refuses a name that is not there. */
export function withoutApiClient(document: SecretDocument, name: string): SecretDocument {
  const config = validateSecretDocument(document);
  if (!config.apiClients.some((client) => client.name === name)) {
    throw new SecretDocumentError(`No API client named "${name}"`);
  }
  const stored = document.apiClients as unknown[];
  const next = { ...document, apiClients: stored.filter((entry) => isRecord(entry) && entry.name !== name) };
  validateSecretDocument(next);
  return next;
}

/**
 * The document with a new link key that signs from now on. The previous keys stay and keep verifying
 * the links already sent; remove a `linkKey.<kid>` property to retire it.
 */
export function withRotatedLinkKey(document: SecretDocument, kid: string, linkKey: string): SecretDocument {
  const config = validateSecretDocument(document);
  if (config.linkKeys.has(kid)) {
    throw new SecretDocumentError(`A link key with id "${kid}" already exists`);
  }
  const next = { ...document, [`${LINK_KEY_PREFIX}${kid}`]: linkKey, activeLinkKeyId: kid };
  validateSecretDocument(next);
  return next;
}

/**
 * The document without the link keys `kids`: links signed with them stop verifying. All or nothing:
 * refuses an unknown key id and the active key (new links would have no key to be signed with). The
 * active key is always present, so this never removes the last key.
 */
export function withoutLinkKeys(document: SecretDocument, kids: readonly string[]): SecretDocument {
  const config = validateSecretDocument(document);
  for (const kid of kids) {
    if (!config.linkKeys.has(kid)) {
      throw new SecretDocumentError(`No link key with id "${kid}"`);
    }
    if (kid === config.activeLinkKeyId) {
      throw new SecretDocumentError(
        config.linkKeys.size === 1
          ? `Link key "${kid}" is the only link key; rotate first, then retire it`
          : `Link key "${kid}" is the active key (it signs new links); rotate first, then retire it`,
      );
    }
  }
  const retired = new Set(kids.map((kid) => `${LINK_KEY_PREFIX}${kid}`));
  const next = Object.fromEntries(Object.entries(document).filter(([property]) => !retired.has(property)));
  validateSecretDocument(next);
  return next;
}

/** The stored form: pretty JSON with a final newline (readable when someone has to look at the file). */
export function serializeSecretDocument(document: SecretDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
