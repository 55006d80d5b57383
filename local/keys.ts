/**
 * `npm run keys -- list|rotate|retire|webhook-secret|teams-webhook|slack-credentials ...`: the link signing
 * keys, the notifier's outgoing-webhook signing secrets, its Teams workflow webhook URLs and the Slack app's
 * credentials in the secret document, for the local store and for a deployed stack's secret. Link key
 * values are never printed: `list` shows key ids and webhook names, `rotate` prints the new key id on
 * stdout (so `$(npm run -s keys -- rotate)` captures it) and its notes on stderr.
 * `webhook-secret` prints the new secret once on stdout (the receiver needs it), its notes on stderr.
 * `slack-credentials` reads the Slack app's signing secret and bot token from standard input (never from
 * the command line, which shell history and `ps` would keep) and prints only which properties changed;
 * `teams-webhook` likewise reads the Teams workflow URL (its `sig=` lets anyone post to the channel).
 * The logic is in the exported functions.
 */
import { DEFAULT_MAX_AGE_SECONDS } from '../lambda/auth/config-source';
import { MAX_LINK_TTL_SECONDS } from '../lambda/auth/link-token';
import {
  KEY_ID_PATTERN,
  newLinkKeyValue,
  newWebhookSecretValue,
  type SecretDocument,
  SecretDocumentError,
  SLACK_BOT_TOKEN_PROPERTY,
  SLACK_BOT_TOKEN_RULE,
  SLACK_BOT_TOKEN_WORDS,
  SLACK_SIGNING_SECRET_PROPERTY,
  SLACK_SIGNING_SECRET_RULE,
  SLACK_SIGNING_SECRET_WORDS,
  TEAMS_WEBHOOK_URL_PREFIX,
  teamsWebhookNames,
  teamsWebhookUrlProblem,
  validateSecretDocument,
  WEBHOOK_NAME_RULE,
  webhookSecretNames,
  withoutLinkKeys,
  withoutSlackCredentials,
  withoutTeamsWebhookUrl,
  withoutWebhookSecret,
  withRotatedLinkKey,
  withSlackCredentials,
  withTeamsWebhookUrl,
  withWebhookSecret,
} from '../lambda/auth/secret-document';
import { describeSource, parseCommandLine, runIfMain, runTool, type ToolDependencies } from './cli';
import {
  readSecretDocument,
  type SecretSource,
  type StoreDependencies,
  secretSourceFromOptions,
  UsageError,
  updateSecretDocument,
} from './secret-store';

const CACHE_MINUTES = DEFAULT_MAX_AGE_SECONDS / 60;
const MAX_LINK_TTL_DAYS = MAX_LINK_TTL_SECONDS / 86_400;

export const KEYS_USAGE = `Usage: npm run keys -- list                 [--secret-file PATH | --secret-id ARN]
       npm run keys -- rotate [--kid KID]    [--secret-file PATH | --secret-id ARN]
       npm run keys -- retire <kid> [<kid>...] [--secret-file PATH | --secret-id ARN]
       npm run keys -- webhook-secret <name> [--remove] [--secret-file PATH | --secret-id ARN]
       npm run keys -- teams-webhook <name> [--remove] [--secret-file PATH | --secret-id ARN] < FILE
       npm run keys -- slack-credentials [--remove] [--secret-file PATH | --secret-id ARN] < FILE

The keys that sign links (HS256). The active key signs new links; every listed key verifies them.
  list    prints the key ids, the active one marked "(active)", then the names of the webhooks that
          have a signing secret, the names of the Teams webhooks that have a URL, and whether Slack
          credentials are set; never a key, secret or URL
  rotate  adds a fresh random key and makes it the active one; the older keys stay, so links already
          sent keep working. Retire them once every link signed with them has expired.
  retire  removes keys: links signed with them stop working once the functions re-read the secret
          (${CACHE_MINUTES} minutes by default). The active key cannot be retired.

The secrets that sign the notifier's outgoing webhook requests, one per webhook (webhookSecret.<name>).
  webhook-secret  creates or replaces the webhook's secret with a fresh random one and prints it once,
                  for its receiver. A receiver still using a replaced secret refuses the requests.
                  With --remove, deletes it: the notifier can no longer deliver to that webhook.

The URLs of Teams "Workflows" webhooks, one per name (teamsWebhookUrl.<name>). A workflow URL carries
its own signature (sig=...): whoever has it can post to the channel, so it is kept in the secret.
  teams-webhook  reads the URL from standard input, one line, and creates or replaces it. Never on the
                 command line (shell history, ps): e.g. redirect a file only you can read, then
                 delete it. It must start with https:// (http:// only for 127.0.0.1, localhost or
                 [::1]), have no user name or password and at most 2048 characters. Prints whether it
                 was added or replaced, never the URL. With --remove (no input), deletes it.

The Slack app's credentials (slackSigningSecret, slackBotToken), from its settings page in Slack.
  slack-credentials  reads them from standard input, one line each: signing-secret=<value> and
                     bot-token=<xoxb-...>; leave a line out to keep the stored value. Never on the
                     command line (shell history, ps): e.g. redirect a file only you can read, then
                     delete it. Prints which properties changed, never a value. A bot token needs a
                     signing secret. With --remove (no input), deletes both.

  --kid          the id of the new key, 1-32 characters from A-Z a-z 0-9 _ -
                 (default: the active id with its number increased, e.g. k1 -> k2, local-1 -> local-2)
  <name>         the webhook's name in the notifier configuration, 1-64 characters from A-Z a-z 0-9 _ -
  --remove       delete the webhook's secret (or the Teams webhook's URL, or the Slack credentials)
                 instead of setting it
  --secret-file  the secret document (default .local/secrets.json, created on first use)
  --secret-id    the deployed secret instead (Secrets Manager; uses your AWS credentials)
  -h, --help     show this help
`;

export type KeysCommand =
  | { readonly command: 'list'; readonly source: SecretSource }
  | { readonly command: 'rotate'; readonly kid: string | undefined; readonly source: SecretSource }
  | { readonly command: 'retire'; readonly kids: readonly string[]; readonly source: SecretSource }
  | {
      readonly command: 'webhook-secret' | 'teams-webhook';
      readonly name: string;
      readonly remove: boolean;
      readonly source: SecretSource;
    }
  | { readonly command: 'slack-credentials'; readonly remove: boolean; readonly source: SecretSource };

/** The tool's dependencies; `randomBytes` makes the new key predictable in tests. */
export interface KeysDependencies extends ToolDependencies {
  readonly randomBytes?: (size: number) => Buffer;
  /** All of standard input (slack-credentials, teams-webhook). @default the process's, refusing a terminal */
  readonly stdin?: () => Promise<string>;
}

const KEY_ID_RULE = 'use 1-32 characters from A-Z a-z 0-9 _ -';
/** WEBHOOK_NAME_RULE in words. */
const WEBHOOK_NAME_WORDS = 'use 1-64 characters from A-Z a-z 0-9 _ -, as in the notifier configuration';
const COMMANDS = [
  'list',
  'rotate',
  'retire',
  'webhook-secret',
  'teams-webhook',
  'slack-credentials',
] as const;
const COMMAND_WORDS = 'list, rotate, retire, webhook-secret, teams-webhook or slack-credentials';
/** The commands that take --remove. */
const REMOVABLE: readonly string[] = ['webhook-secret', 'teams-webhook', 'slack-credentials'];
const isCommand = (word: string): word is (typeof COMMANDS)[number] =>
  (COMMANDS as readonly string[]).includes(word);

/** The keys command line → a command, or 'help'. Every mistake is a UsageError. */
export function parseKeysArguments(
  argv: readonly string[],
  cwd: string = process.cwd(),
): KeysCommand | 'help' {
  const { values, positionals } = parseCommandLine({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      kid: { type: 'string' },
      remove: { type: 'boolean' },
      'secret-file': { type: 'string' },
      'secret-id': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    return 'help';
  }
  const [command, ...rest] = positionals;
  if (command === undefined) {
    throw new UsageError(`Missing command: ${COMMAND_WORDS}`);
  }
  if (!isCommand(command)) {
    throw new UsageError(`Unknown command "${command}": use ${COMMAND_WORDS}`);
  }
  if (values.kid !== undefined && command !== 'rotate') {
    throw new UsageError(`--kid is only for "rotate"; "${command}" does not take it`);
  }
  if (values.remove !== undefined && !REMOVABLE.includes(command)) {
    throw new UsageError(
      `--remove is only for "webhook-secret", "teams-webhook" and "slack-credentials"; "${command}" does not take it`,
    );
  }
  const source = () => secretSourceFromOptions(values, cwd);
  switch (command) {
    case 'list':
      if (rest.length > 0) {
        throw new UsageError('"list" takes no arguments');
      }
      return { command, source: source() };
    case 'rotate': {
      if (rest.length > 0) {
        throw new UsageError('"rotate" takes no arguments; choose the new key id with --kid');
      }
      const kid = values.kid;
      if (kid !== undefined && !KEY_ID_PATTERN.test(kid)) {
        throw new UsageError(`Invalid --kid "${kid}": ${KEY_ID_RULE}`);
      }
      return { command, kid, source: source() };
    }
    case 'retire':
      return { command, kids: parseRetiredKeyIds(rest), source: source() };
    case 'webhook-secret':
    case 'teams-webhook': {
      if (rest.length !== 1) {
        throw new UsageError(
          command === 'webhook-secret'
            ? '"webhook-secret" takes exactly one webhook name'
            : '"teams-webhook" takes exactly one Teams webhook name; it reads the URL from standard input',
        );
      }
      const name = rest[0] as string;
      if (!WEBHOOK_NAME_RULE.test(name)) {
        throw new UsageError(`Invalid webhook name "${name}": ${WEBHOOK_NAME_WORDS}`);
      }
      return { command, name, remove: values.remove === true, source: source() };
    }
    case 'slack-credentials':
      if (rest.length > 0) {
        throw new UsageError(
          '"slack-credentials" takes no arguments; it reads signing-secret=... and bot-token=... lines from standard input',
        );
      }
      return { command, remove: values.remove === true, source: source() };
  }
}

export interface SlackCredentialsInput {
  readonly signingSecret?: string;
  readonly botToken?: string;
}

const SLACK_INPUT_LINES = [
  { prefix: 'signing-secret=', field: 'signingSecret', rule: SLACK_SIGNING_SECRET_RULE },
  { prefix: 'bot-token=', field: 'botToken', rule: SLACK_BOT_TOKEN_RULE },
] as const;
const SLACK_INPUT_WORDS: Record<(typeof SLACK_INPUT_LINES)[number]['field'], string> = {
  signingSecret: `use ${SLACK_SIGNING_SECRET_WORDS}`,
  botToken: `it must ${SLACK_BOT_TOKEN_WORDS}`,
};

/**
 * The `slack-credentials` input: `signing-secret=<value>` and `bot-token=<value>` lines, each at most once,
 * blank lines ignored. Every mistake is a UsageError that names the line or the property, never a value.
 */
export function parseSlackCredentialsInput(text: string): SlackCredentialsInput {
  const given: { signingSecret?: string; botToken?: string } = {};
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const kind = SLACK_INPUT_LINES.find((candidate) => line.startsWith(candidate.prefix));
    if (kind === undefined) {
      throw new UsageError(
        `Line ${index + 1} of standard input is not "signing-secret=<value>" or "bot-token=<value>"`,
      );
    }
    if (given[kind.field] !== undefined) {
      throw new UsageError(`"${kind.prefix}" is given more than once on standard input`);
    }
    const value = line.slice(kind.prefix.length);
    if (!kind.rule.test(value)) {
      throw new UsageError(
        `Invalid ${kind.prefix.slice(0, -1)} on standard input: ${SLACK_INPUT_WORDS[kind.field]}`,
      );
    }
    given[kind.field] = value;
  }
  if (given.signingSecret === undefined && given.botToken === undefined) {
    throw new UsageError(
      'Nothing to set: standard input has no "signing-secret=<value>" or "bot-token=<value>" line',
    );
  }
  return given;
}

/**
 * The `teams-webhook` input: the URL on one line (a final line break and blank lines are ignored), checked
 * as the secret document checks it. Every mistake is a UsageError that never quotes the input.
 */
export function parseTeamsWebhookUrlInput(text: string): string {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) {
    throw new UsageError('Nothing to set: standard input is empty; give the Teams webhook URL on one line');
  }
  if (lines.length > 1) {
    throw new UsageError(
      `Standard input has ${lines.length} lines; give only the Teams webhook URL, on one line`,
    );
  }
  const url = lines[0] as string;
  const problem = teamsWebhookUrlProblem(url);
  if (problem !== undefined) {
    throw new UsageError(`The Teams webhook URL on standard input ${problem}`);
  }
  return url;
}

/** Standard input, whole; refuses a terminal, where the values would be typed in the clear. */
async function readProcessStdin(command: string): Promise<string> {
  if (process.stdin.isTTY) {
    throw new UsageError(
      `"${command}" reads standard input, which is a terminal: redirect a file or pipe the lines in`,
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseRetiredKeyIds(kids: readonly string[]): string[] {
  if (kids.length === 0) {
    throw new UsageError('"retire" needs at least one key id');
  }
  const seen = new Set<string>();
  for (const kid of kids) {
    if (!KEY_ID_PATTERN.test(kid)) {
      throw new UsageError(`Invalid key id "${kid}": ${KEY_ID_RULE}`);
    }
    if (seen.has(kid)) {
      throw new UsageError(`Key id "${kid}" is given more than once`);
    }
    seen.add(kid);
  }
  return [...kids];
}

const NUMBERED_KEY_ID = /^(.*?)(\d+)$/;
const DIGITS = /^\d+$/;

/**
 * The id for the next key, derived from the active one: its trailing number plus one, above every
 * existing id with the same prefix (k1 → k2, local-1 → local-2, k09 → k10 keeping the zero padding;
 * with k1 active and k7 present, k8). An active id without a trailing number counts as 1: prod → prod-2.
 *
 * Assumption: the active key's naming is the one the operator follows, so other schemes in the same
 * document (e.g. local-<n> next to k<n>) are ignored. A retired id can come back only when it was above
 * every remaining one; a link signed with the retired key then fails its signature check (a random key
 * of the same name) instead of the key lookup: still refused.
 */
export function nextLinkKeyId(kids: Iterable<string>, activeKid: string): string {
  const match = NUMBERED_KEY_ID.exec(activeKid);
  const prefix = match === null ? `${activeKid}-` : (match[1] as string);
  const width = match === null ? 1 : (match[2] as string).length;
  // BigInt: an id may carry up to 32 digits, beyond Number's exact integers.
  let highest = match === null ? 1n : 0n;
  for (const kid of kids) {
    const suffix = kid.slice(prefix.length);
    if (kid.startsWith(prefix) && DIGITS.test(suffix) && BigInt(suffix) > highest) {
      highest = BigInt(suffix);
    }
  }
  const next = `${prefix}${(highest + 1n).toString().padStart(width, '0')}`;
  if (!KEY_ID_PATTERN.test(next)) {
    throw new SecretDocumentError(
      `Cannot derive a key id from "${activeKid}" (the next one would be longer than 32 characters); choose one with --kid`,
    );
  }
  return next;
}

export interface LinkKeyIds {
  /** In stored order, which is the order they were added unless someone edited the document. */
  readonly kids: readonly string[];
  readonly activeKid: string;
}

/** The key ids of a document (validated first). */
export function linkKeyIds(document: SecretDocument): LinkKeyIds {
  const config = validateSecretDocument(document);
  return { kids: [...config.linkKeys.keys()], activeKid: config.activeLinkKeyId };
}

export interface KeysListing extends LinkKeyIds {
  /** The webhooks that have a signing secret, in stored order. */
  readonly webhookNames: readonly string[];
  /** The Teams webhooks that have a URL, in stored order (never the URLs). */
  readonly teamsWebhookNames: readonly string[];
  /** Which Slack credentials are set (never their values). */
  readonly slack: { readonly signingSecret: boolean; readonly botToken: boolean };
}

/** What `list` shows, from one read of the document. */
export async function listKeys(source: SecretSource, dependencies: StoreDependencies): Promise<KeysListing> {
  const document = await readSecretDocument(source, dependencies);
  const slack = validateSecretDocument(document).slack;
  return {
    ...linkKeyIds(document),
    webhookNames: webhookSecretNames(document),
    teamsWebhookNames: teamsWebhookNames(document),
    slack: { signingSecret: slack !== undefined, botToken: slack?.botToken !== undefined },
  };
}

export interface RotatedLinkKey {
  /** The id of the new, now active key. */
  readonly kid: string;
  /** The ids of the keys that stay and keep verifying, in stored order. */
  readonly kept: readonly string[];
}

/** Adds a fresh key (32 random bytes, base64url) under `kid`, or the derived next id, and activates it. */
export async function rotateLinkKey(
  source: SecretSource,
  requestedKid: string | undefined,
  dependencies: StoreDependencies,
): Promise<RotatedLinkKey> {
  const next = await updateSecretDocument(
    source,
    (document) => {
      const { kids, activeKid } = linkKeyIds(document);
      const kid = requestedKid ?? nextLinkKeyId(kids, activeKid);
      return withRotatedLinkKey(document, kid, newLinkKeyValue(dependencies.randomBytes));
    },
    dependencies,
  );
  const { kids, activeKid } = linkKeyIds(next);
  return { kid: activeKid, kept: kids.filter((kid) => kid !== activeKid) };
}

/** Removes the keys, all or none: one refused id leaves the document unchanged. Returns what remains. */
export async function retireLinkKeys(
  source: SecretSource,
  kids: readonly string[],
  dependencies: StoreDependencies,
): Promise<LinkKeyIds> {
  const next = await updateSecretDocument(
    source,
    (document) => withoutLinkKeys(document, kids),
    dependencies,
  );
  return linkKeyIds(next);
}

export interface SetWebhookSecret {
  /** The new secret, for the receiver. */
  readonly secret: string;
  /** Whether the webhook had a secret before, which the receiver may still be using. */
  readonly replaced: boolean;
}

/** Creates or replaces `webhookSecret.<name>` with a fresh secret (32 random bytes, base64url). */
export async function setWebhookSecret(
  source: SecretSource,
  name: string,
  dependencies: StoreDependencies,
): Promise<SetWebhookSecret> {
  const secret = newWebhookSecretValue(dependencies.randomBytes);
  let replaced = false;
  await updateSecretDocument(
    source,
    (document) => {
      replaced = webhookSecretNames(document).includes(name);
      return withWebhookSecret(document, name, secret);
    },
    dependencies,
  );
  return { secret, replaced };
}

/** Removes `webhookSecret.<name>`; refuses a webhook that has none. */
export async function removeWebhookSecret(
  source: SecretSource,
  name: string,
  dependencies: StoreDependencies,
): Promise<void> {
  await updateSecretDocument(source, (document) => withoutWebhookSecret(document, name), dependencies);
}

/** What `teams-webhook` did to the stored URL. */
export type TeamsWebhookChange = 'added' | 'replaced' | 'unchanged';

/** Creates or replaces `teamsWebhookUrl.<name>`; says whether it was there, and with the same URL. */
export async function setTeamsWebhookUrl(
  source: SecretSource,
  name: string,
  url: string,
  dependencies: StoreDependencies,
): Promise<TeamsWebhookChange> {
  let change: TeamsWebhookChange = 'added';
  await updateSecretDocument(
    source,
    (document) => {
      const next = withTeamsWebhookUrl(document, name, url);
      const stored = validateSecretDocument(document).teamsWebhookUrls.get(name);
      change = stored === undefined ? 'added' : stored === url ? 'unchanged' : 'replaced';
      return next;
    },
    dependencies,
  );
  return change;
}

/** Removes `teamsWebhookUrl.<name>`; refuses a Teams webhook that has none. */
export async function removeTeamsWebhookUrl(
  source: SecretSource,
  name: string,
  dependencies: StoreDependencies,
): Promise<void> {
  await updateSecretDocument(source, (document) => withoutTeamsWebhookUrl(document, name), dependencies);
}

const SLACK_PROPERTIES = [SLACK_SIGNING_SECRET_PROPERTY, SLACK_BOT_TOKEN_PROPERTY] as const;

export interface SlackCredentialChange {
  readonly property: typeof SLACK_SIGNING_SECRET_PROPERTY | typeof SLACK_BOT_TOKEN_PROPERTY;
  readonly change: 'added' | 'replaced' | 'unchanged';
}

/** Sets the Slack credentials given, keeping the others; says what happened to each one given. */
export async function setSlackCredentials(
  source: SecretSource,
  credentials: SlackCredentialsInput,
  dependencies: StoreDependencies,
): Promise<SlackCredentialChange[]> {
  let changes: SlackCredentialChange[] = [];
  await updateSecretDocument(
    source,
    (document) => {
      const next = withSlackCredentials(document, credentials);
      changes = SLACK_PROPERTIES.filter((property) => credentials[fieldOf(property)] !== undefined).map(
        (property) => ({
          property,
          change:
            document[property] === undefined
              ? 'added'
              : document[property] === next[property]
                ? 'unchanged'
                : 'replaced',
        }),
      );
      return next;
    },
    dependencies,
  );
  return changes;
}

const fieldOf = (property: SlackCredentialChange['property']): keyof SlackCredentialsInput =>
  property === SLACK_SIGNING_SECRET_PROPERTY ? 'signingSecret' : 'botToken';

/** Removes both Slack credentials; refuses a document that has none. Returns the properties removed. */
export async function removeSlackCredentials(
  source: SecretSource,
  dependencies: StoreDependencies,
): Promise<string[]> {
  let removed: string[] = [];
  await updateSecretDocument(
    source,
    (document) => {
      const next = withoutSlackCredentials(document);
      removed = SLACK_PROPERTIES.filter((property) => document[property] !== undefined);
      return next;
    },
    dependencies,
  );
  return removed;
}

/** A word the shell passes through as it is: quoted only when it has to be. */
const shellWord = (word: string): string =>
  /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;

const sourceArguments = (source: SecretSource): string =>
  source.kind === 'file'
    ? `--secret-file ${shellWord(source.path)}`
    : `--secret-id ${shellWord(source.secretId)}`;

const quotedList = (kids: readonly string[]): string => kids.map((kid) => `"${kid}"`).join(', ');

function rotationNotes(source: SecretSource, rotated: RotatedLinkKey, now: Date): string {
  const retireBy = new Date(now.getTime() + MAX_LINK_TTL_SECONDS * 1000).toISOString();
  return (
    `Added link key "${rotated.kid}" to ${describeSource(source)}; it signs new links from now on.\n` +
    `Kept, still verifying the links already sent: ${quotedList(rotated.kept)}.\n` +
    `New links work at once: a function that meets a key id it has not cached re-reads the secret.\n` +
    'Retire the old keys once every link signed with them has expired, i.e. after the longest --ttl handed out ' +
    `(at most ${MAX_LINK_TTL_DAYS} days: by ${retireBy} at the latest):\n` +
    `  npm run keys -- retire ${rotated.kept.join(' ')} ${sourceArguments(source)}\n`
  );
}

function teamsWebhookNotes(source: SecretSource, name: string, change: TeamsWebhookChange): string {
  const property = `${TEAMS_WEBHOOK_URL_PREFIX}${name}`;
  const where = describeSource(source);
  switch (change) {
    case 'added':
      return (
        `Added ${property} to ${where}. ` +
        `The notifier posts to it for the rules that list "${name}" under "teams".\n`
      );
    case 'replaced':
      return (
        `Replaced ${property} in ${where}. The notifier posts to the new URL once it re-reads the secret ` +
        `(${CACHE_MINUTES} minutes by default).\n`
      );
    case 'unchanged':
      return `${property} in ${where} already holds that URL; nothing changed.\n`;
  }
}

function webhookSecretNotes(source: SecretSource, name: string, replaced: boolean): string {
  return (
    `Set the signing secret of webhook "${name}" in ${describeSource(source)}; ` +
    'the value above is shown only this once.\n' +
    'Give it to the receiver, which verifies X-Approval-Webhook-Signature: ' +
    'v0=<hex HMAC-SHA256(secret, "v0:" + X-Approval-Webhook-Timestamp + ":" + raw body)>.\n' +
    (replaced
      ? 'It replaced the previous one: the receiver must switch to the new value; requests signed with the old one will fail its check ' +
        `(the notifier signs with the new one once it re-reads the secret, ${CACHE_MINUTES} minutes by default).\n`
      : '')
  );
}

export async function runKeysCommand(
  argv: readonly string[],
  dependencies: KeysDependencies,
): Promise<number> {
  return runTool(dependencies, async () => {
    const parsed = parseKeysArguments(argv, dependencies.cwd);
    if (parsed === 'help') {
      dependencies.stdout(KEYS_USAGE);
      return;
    }
    switch (parsed.command) {
      case 'list': {
        const { kids, activeKid, webhookNames, teamsWebhookNames, slack } = await listKeys(
          parsed.source,
          dependencies,
        );
        dependencies.stdout(
          kids.map((kid) => (kid === activeKid ? `${kid} (active)\n` : `${kid}\n`)).join('') +
            (webhookNames.length === 0
              ? ''
              : `\nWebhook signing secrets:\n${webhookNames.map((name) => `  ${name}\n`).join('')}`) +
            (teamsWebhookNames.length === 0
              ? ''
              : `\nTeams webhooks:\n${teamsWebhookNames.map((name) => `  ${name}\n`).join('')}`) +
            (slack.signingSecret
              ? `\nSlack: signing secret set, bot token ${slack.botToken ? 'set' : 'not set'}\n`
              : ''),
        );
        return;
      }
      case 'rotate': {
        const rotated = await rotateLinkKey(parsed.source, parsed.kid, dependencies);
        dependencies.stdout(`${rotated.kid}\n`);
        dependencies.stderr(rotationNotes(parsed.source, rotated, dependencies.now?.() ?? new Date()));
        return;
      }
      case 'retire': {
        const { kids, activeKid } = await retireLinkKeys(parsed.source, parsed.kids, dependencies);
        const noun = parsed.kids.length === 1 ? 'key' : 'keys';
        dependencies.stderr(
          `Retired link ${noun} ${quotedList(parsed.kids)} from ${describeSource(parsed.source)}. Links signed with ` +
            `${parsed.kids.length === 1 ? 'it' : 'them'} stop working once the functions re-read the secret ` +
            `(${CACHE_MINUTES} minutes by default).\n` +
            `Remaining: ${quotedList(kids)}; active: "${activeKid}".\n`,
        );
        return;
      }
      case 'webhook-secret': {
        if (parsed.remove) {
          await removeWebhookSecret(parsed.source, parsed.name, dependencies);
          dependencies.stderr(
            `Removed the signing secret of webhook "${parsed.name}" from ${describeSource(parsed.source)}. ` +
              `Deliveries to it fail once the notifier re-reads the secret (${CACHE_MINUTES} minutes by default).\n`,
          );
          return;
        }
        const { secret, replaced } = await setWebhookSecret(parsed.source, parsed.name, dependencies);
        dependencies.stdout(`${secret}\n`);
        dependencies.stderr(webhookSecretNotes(parsed.source, parsed.name, replaced));
        return;
      }
      case 'teams-webhook': {
        if (parsed.remove) {
          await removeTeamsWebhookUrl(parsed.source, parsed.name, dependencies);
          dependencies.stderr(
            `Removed ${TEAMS_WEBHOOK_URL_PREFIX}${parsed.name} from ${describeSource(parsed.source)}. ` +
              `Posts to that Teams webhook fail once the notifier re-reads the secret (${CACHE_MINUTES} minutes by default).\n`,
          );
          return;
        }
        // Read and checked before the secret is, so a bad URL costs no Secrets Manager call.
        const url = parseTeamsWebhookUrlInput(
          await (dependencies.stdin ?? (() => readProcessStdin('teams-webhook')))(),
        );
        const change = await setTeamsWebhookUrl(parsed.source, parsed.name, url, dependencies);
        dependencies.stderr(teamsWebhookNotes(parsed.source, parsed.name, change));
        return;
      }
      case 'slack-credentials': {
        if (parsed.remove) {
          const removed = await removeSlackCredentials(parsed.source, dependencies);
          dependencies.stderr(`Removed ${removed.join(', ')} from ${describeSource(parsed.source)}.\n`);
          return;
        }
        const input = parseSlackCredentialsInput(
          await (dependencies.stdin ?? (() => readProcessStdin('slack-credentials')))(),
        );
        const changes = await setSlackCredentials(parsed.source, input, dependencies);
        dependencies.stderr(
          `Slack credentials in ${describeSource(parsed.source)}: ` +
            `${changes.map(({ property, change }) => `${property} ${change}`).join(', ')}.\n`,
        );
        return;
      }
    }
  });
}

runIfMain(module, runKeysCommand);
