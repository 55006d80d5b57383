/**
 * The notifier's configuration: who is told about which runbook's gates, and through which channel.
 * The CDK construct builds it from its props and passes it as JSON in `NOTIFIER_CONFIG`; the local runner
 * does the same. It holds no secret: webhook signing secrets live in the stack's secret
 * (`webhookSecret.<name>`), and webhook URLs must not carry credentials (they are refused here). The same
 * goes for chat: the Slack signing secret and bot token, and the Teams workflow URLs (which carry their own
 * signature, `teamsWebhookUrl.<name>`), live in the secret; this file names only Slack channel, user and
 * user-group ids and Teams webhook names.
 *
 * A rule's Slack part also says who may decide from Slack: anyone in a channel can press a button, so the
 * clicker's Slack user id (or membership of a listed user group) is the credential, not the message.
 *
 * ```json
 * { "apiUrl": "https://abc.execute-api.eu-west-1.amazonaws.com/",
 *   "signalRoleArn": "arn:aws:iam::111122223333:role/...SignalFunctionRole...",
 *   "email": { "from": "approvals@example.com" },
 *   "webhooks": { "change-board": { "url": "https://hooks.example.com/ssm" } },
 *   "rules": [ { "runbooks": ["Deploy-*"], "email": ["sre@example.com"], "webhooks": ["change-board"],
 *                "slack": { "channels": ["C0123DEPLOYS"],
 *                           "approvers": { "users": ["U0123ALICE"], "userGroups": ["S0123SRE"] },
 *                           "approve": "with-comment" },
 *                "teams": ["change-advisory"] } ],
 *   "defaultRule": { "email": ["platform@example.com"] },
 *   "maxLinkTtlSeconds": 604800 }
 * ```
 */
import { ConfigurationError } from '../core/errors';
import { RUNBOOK_PATTERN_RULE } from '../core/runbook-pattern';

/** Who is told: e-mail addresses, named webhooks, Slack channels and named Teams webhooks. */
export interface Recipients {
  readonly email?: readonly string[];
  /** Names of entries in `webhooks`. */
  readonly webhooks?: readonly string[];
  /** Slack channels to post to, and who may decide from them. */
  readonly slack?: SlackRecipients;
  /**
   * Names of Teams workflow webhooks. Their URLs carry a signature, so they live in the stack's secret
   * (`teamsWebhookUrl.<name>`, set with `npm run keys -- teams-webhook <name>`), not here.
   */
  readonly teams?: readonly string[];
}

/** How Approve behaves when pressed in Slack. Reject always asks for a reason. */
export const SLACK_APPROVE_MODES = ['at-once', 'with-comment'] as const;
export type SlackApproveMode = (typeof SLACK_APPROVE_MODES)[number];

export interface SlackRecipients {
  /** Channel ids (`C…`, `G…`) the gate message is posted to; the app must be a member. */
  readonly channels: readonly string[];
  /**
   * Who may decide this rule's gates from Slack: Slack user ids (`U…`, `W…`) and user-group ids (`S…`).
   * Anyone else who presses a button is told so, and nothing changes.
   */
  readonly approvers: { readonly users?: readonly string[]; readonly userGroups?: readonly string[] };
  /** `at-once`: Approve acts on the click; `with-comment`: it opens a modal with an optional comment. @default 'at-once' */
  readonly approve?: SlackApproveMode;
}

/**
 * Runbook-name patterns → recipients. `*` matches any run of characters, `?` one; the whole name must match.
 * A rule without recipients is allowed: it silences the runbooks it matches (the default rule does not apply).
 */
export interface RoutingRule extends Recipients {
  readonly runbooks: readonly string[];
}

export interface WebhookTarget {
  /** `https://` (loopback `http://` only for local runs). No user info; the request is signed instead. */
  readonly url: string;
}

export interface NotifierConfig {
  /** Base URL of the webhook API; links are `<apiUrl>/executions/<id>/<action>?token=…`. */
  readonly apiUrl: string;
  /** The role SSM must see among a gate's Approvers; other gates cannot be decided through the webhook. */
  readonly signalRoleArn: string;
  /** E-mail through SES v2, sent only as this address. Required when any rule names e-mail recipients. */
  readonly email?: { readonly from: string };
  readonly webhooks: Readonly<Record<string, WebhookTarget>>;
  /** Checked in order; the first rule whose pattern matches the runbook's name decides. */
  readonly rules: readonly RoutingRule[];
  /** Used when no rule matches. Without it, such gates are skipped (and the skip logged). */
  readonly defaultRule?: Recipients;
  /** Links never live longer than this, even when the gate's timeout is longer. @default 604800 (7 days) */
  readonly maxLinkTtlSeconds: number;
}

/**
 * The part of the configuration that people write (the construct's props, cdk.json, the local runner's
 * settings). The deployment adds `apiUrl` and `signalRoleArn`, which only exist once it is deployed.
 */
export type NotifierRouting = Omit<NotifierConfig, 'apiUrl' | 'signalRoleArn'>;

/** The environment variable that carries the JSON of a `NotifierConfig` to the notifier. */
export const NOTIFIER_CONFIG_ENV = 'NOTIFIER_CONFIG';

export const DEFAULT_MAX_LINK_TTL_SECONDS = 7 * 24 * 3600;
export const MIN_LINK_TTL_SECONDS = 60;
/** 30 days: the longest timeout an `aws:approve` step can have, so no gate outlives it. */
export const MAX_LINK_TTL_SECONDS = 30 * 24 * 3600;

/** Size limits: generous for people, small enough to keep one invocation's fan-out bounded. */
export const NOTIFIER_CONFIG_LIMITS = {
  rules: 50,
  /**
   * E-mail addresses, webhook names, Slack channels and Teams webhook names of one rule (or of the default
   * rule) together: each is one message per gate.
   */
  recipientsPerRule: 50,
  runbookPatternsPerRule: 50,
  /** Slack channels of one rule; they also count among its recipients. */
  slackChannelsPerRule: 20,
  /** Slack user ids and user-group ids of one rule together. */
  slackApproversPerRule: 100,
  webhooks: 50,
  urlLength: 2048,
  /** RFC 5321's limit for a forward path. */
  emailLength: 254,
} as const;

/** Hosts a webhook may reach over plain `http://` (local runs only). */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

/** An IAM role ARN in any partition; the role name may carry a path. */
export const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** Names of outgoing webhooks and of Teams workflow webhooks. */
export const WEBHOOK_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Slack ids as Slack shows them: public channels `C…`, private channels (older ones) `G…`. */
export const SLACK_CHANNEL_ID_PATTERN = /^[CG][A-Z0-9]{2,30}$/;
/** Slack user ids: `U…`, or `W…` for users of an Enterprise Grid organization. */
export const SLACK_USER_ID_PATTERN = /^[UW][A-Z0-9]{2,30}$/;
export const SLACK_USER_GROUP_ID_PATTERN = /^S[A-Z0-9]{2,30}$/;
/** A deliberately plain address check: one @, no spaces or control characters, a dot in the domain. */
export const EMAIL_PATTERN = /^[^\s@<>()",;:\\]+@[^\s@<>()",;:\\]+\.[^\s@<>()",;:\\]+$/;
export const RUNBOOK_PATTERN = RUNBOOK_PATTERN_RULE;

/**
 * A configuration that cannot be used. The message is `Invalid notifier config: <problem>`; `problem` names
 * the property by its path (`rules[0].email[1]`) and what is wrong, and never quotes an address or a URL
 * (URLs may carry tokens in their query). Webhook and property names are quoted: they are identifiers.
 */
export class NotifierConfigError extends ConfigurationError {
  /** The message without its prefix, for callers that name the source themselves (CDK props, context). */
  readonly problem: string;

  constructor(problem: string) {
    super(`Invalid notifier config: ${problem}`);
    this.name = 'NotifierConfigError';
    this.problem = problem;
  }
}

const fail = (problem: string): never => {
  throw new NotifierConfigError(problem);
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const ROUTING_PROPERTIES = ['email', 'webhooks', 'rules', 'defaultRule', 'maxLinkTtlSeconds'] as const;
const CONFIG_PROPERTIES = ['apiUrl', 'signalRoleArn', ...ROUTING_PROPERTIES] as const;

const rejectUnknown = (path: string, value: Record<string, unknown>, allowed: readonly string[]): void => {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    const where = path === '' ? 'the configuration' : `"${path}"`;
    fail(
      `${where} has unknown propert${unknown.length > 1 ? 'ies' : 'y'} ${unknown.map((key) => JSON.stringify(key)).join(', ')} (allowed: ${allowed.join(', ')})`,
    );
  }
};

/** Parses `NOTIFIER_CONFIG` and validates it (see {@link validateNotifierConfig}). */
export function parseNotifierConfig(json: string): NotifierConfig {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    // No `cause`: V8's SyntaxError quotes a piece of the input, which may be a webhook URL.
    return fail('not valid JSON');
  }
  return validateNotifierConfig(value);
}

/**
 * Validates a whole configuration as the notifier receives it: the routing (see
 * {@link validateNotifierRouting}) plus `apiUrl` (an http(s) URL without user info, query or fragment;
 * returned without trailing slashes) and `signalRoleArn` (an IAM role ARN).
 */
export function validateNotifierConfig(value: unknown): NotifierConfig {
  if (!isRecord(value)) return fail('the configuration must be a JSON object');
  rejectUnknown('', value, CONFIG_PROPERTIES);
  const apiUrl = validateApiUrl(value.apiUrl);
  const signalRoleArn = value.signalRoleArn;
  if (typeof signalRoleArn !== 'string' || !ROLE_ARN_PATTERN.test(signalRoleArn)) {
    fail('"signalRoleArn" must be an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)');
  }
  const { apiUrl: _apiUrl, signalRoleArn: _signalRoleArn, ...routing } = value;
  return { apiUrl, signalRoleArn: signalRoleArn as string, ...validateNotifierRouting(routing) };
}

/**
 * Validates the routing part of the configuration, the part people write. The CDK construct calls this at
 * synth time on its props, before the deployment's tokens (API URL, role ARN) exist; the notifier calls it
 * through {@link validateNotifierConfig} at run time. Returns it normalized: `webhooks` and `rules` always
 * present, `maxLinkTtlSeconds` defaulted, nothing else added or removed.
 */
export function validateNotifierRouting(value: unknown): NotifierRouting {
  if (!isRecord(value)) return fail('the configuration must be a JSON object');
  rejectUnknown('', value, ROUTING_PROPERTIES);

  let email: NotifierRouting['email'];
  if (value.email !== undefined) {
    if (!isRecord(value.email)) return fail('"email" must be an object with a "from" address');
    rejectUnknown('email', value.email, ['from']);
    if (!isEmailAddress(value.email.from)) fail('"email.from" must be an e-mail address');
    email = { from: value.email.from as string };
  }

  const webhooks = validateWebhooks(value.webhooks);

  if (value.rules !== undefined && !Array.isArray(value.rules)) fail('"rules" must be an array');
  const rawRules = (value.rules ?? []) as unknown[];
  if (rawRules.length > NOTIFIER_CONFIG_LIMITS.rules) {
    fail(`"rules" has ${rawRules.length} entries; at most ${NOTIFIER_CONFIG_LIMITS.rules} are allowed`);
  }
  const context: RecipientContext = { webhooks, hasEmail: email !== undefined };
  const rules = rawRules.map((rule, index) => validateRule(`rules[${index}]`, rule, context));

  let defaultRule: Recipients | undefined;
  if (value.defaultRule !== undefined) {
    if (!isRecord(value.defaultRule)) return fail('"defaultRule" must be an object');
    rejectUnknown('defaultRule', value.defaultRule, RECIPIENT_PROPERTIES);
    defaultRule = validateRecipients('defaultRule', value.defaultRule, context);
  }

  const maxLinkTtlSeconds = value.maxLinkTtlSeconds ?? DEFAULT_MAX_LINK_TTL_SECONDS;
  if (
    typeof maxLinkTtlSeconds !== 'number' ||
    !Number.isInteger(maxLinkTtlSeconds) ||
    maxLinkTtlSeconds < MIN_LINK_TTL_SECONDS ||
    maxLinkTtlSeconds > MAX_LINK_TTL_SECONDS
  ) {
    fail(
      `"maxLinkTtlSeconds" must be an integer from ${MIN_LINK_TTL_SECONDS} to ${MAX_LINK_TTL_SECONDS} (seconds)`,
    );
  }

  return {
    ...(email === undefined ? {} : { email }),
    webhooks,
    rules,
    ...(defaultRule === undefined ? {} : { defaultRule }),
    maxLinkTtlSeconds: maxLinkTtlSeconds as number,
  };
}

function validateApiUrl(value: unknown): string {
  if (typeof value !== 'string') return fail('"apiUrl" must be an http(s) URL');
  const url = parseUrl(value);
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    return fail('"apiUrl" must be an http(s) URL');
  }
  if (value.length > NOTIFIER_CONFIG_LIMITS.urlLength) {
    fail(`"apiUrl" must be at most ${NOTIFIER_CONFIG_LIMITS.urlLength} characters long`);
  }
  if (url.username !== '' || url.password !== '')
    fail('"apiUrl" must not contain user info (user:password@)');
  if (/[?#]/.test(value)) fail('"apiUrl" must not have a query or a fragment: links are built below it');
  // Links carry their token in the URL: never over plain http, but for a local run on this machine.
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.includes(url.hostname)) {
    fail(`"apiUrl" must be an https:// URL (http:// only for ${LOOPBACK_HOSTS.join(', ')}, for local runs)`);
  }
  return value.replace(/\/+$/, '');
}

function validateWebhooks(value: unknown): Readonly<Record<string, WebhookTarget>> {
  if (value === undefined) return {};
  if (!isRecord(value)) return fail('"webhooks" must be an object of webhooks by name');
  const entries = Object.entries(value);
  if (entries.length > NOTIFIER_CONFIG_LIMITS.webhooks) {
    fail(`"webhooks" has ${entries.length} entries; at most ${NOTIFIER_CONFIG_LIMITS.webhooks} are allowed`);
  }
  const webhooks: Record<string, WebhookTarget> = {};
  for (const [name, target] of entries) {
    if (!WEBHOOK_NAME_PATTERN.test(name)) {
      fail(`"webhooks" has an invalid name ${JSON.stringify(name)}: use 1 to 64 letters, digits, _ or -`);
    }
    const path = `webhooks.${name}`;
    if (!isRecord(target)) return fail(`"${path}" must be an object with a "url"`);
    rejectUnknown(path, target, ['url']);
    webhooks[name] = { url: validateWebhookUrl(`${path}.url`, target.url) };
  }
  return webhooks;
}

function validateWebhookUrl(path: string, value: unknown): string {
  if (typeof value !== 'string') return fail(`"${path}" must be an https:// URL`);
  const url = parseUrl(value);
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    return fail(`"${path}" must be an https:// URL`);
  }
  if (value.length > NOTIFIER_CONFIG_LIMITS.urlLength) {
    fail(`"${path}" must be at most ${NOTIFIER_CONFIG_LIMITS.urlLength} characters long`);
  }
  if (url.username !== '' || url.password !== '') {
    fail(`"${path}" must not contain user info (user:password@): the requests are signed instead`);
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.includes(url.hostname)) {
    fail(`"${path}" must be an https:// URL (http:// only for ${LOOPBACK_HOSTS.join(', ')}, for local runs)`);
  }
  // The URL lands in the function's environment and the template: no credential may ride in it.
  if (url.search !== '' || url.hash !== '') {
    fail(
      `"${path}" must not have a query or a fragment: a secret there would sit in the template; the requests are signed instead`,
    );
  }
  return value;
}

const RECIPIENT_PROPERTIES = ['email', 'webhooks', 'slack', 'teams'] as const;

interface RecipientContext {
  readonly webhooks: Readonly<Record<string, WebhookTarget>>;
  readonly hasEmail: boolean;
}

function validateRule(path: string, value: unknown, context: RecipientContext): RoutingRule {
  if (!isRecord(value)) return fail(`"${path}" must be an object with "runbooks"`);
  rejectUnknown(path, value, ['runbooks', ...RECIPIENT_PROPERTIES]);
  const runbooks = value.runbooks;
  if (!Array.isArray(runbooks) || runbooks.length === 0) {
    return fail(`"${path}.runbooks" must be a non-empty array of runbook-name patterns`);
  }
  if (runbooks.length > NOTIFIER_CONFIG_LIMITS.runbookPatternsPerRule) {
    fail(
      `"${path}.runbooks" has ${runbooks.length} patterns; at most ${NOTIFIER_CONFIG_LIMITS.runbookPatternsPerRule} are allowed`,
    );
  }
  runbooks.forEach((pattern, index) => {
    if (typeof pattern !== 'string' || !RUNBOOK_PATTERN.test(pattern)) {
      fail(
        `"${path}.runbooks[${index}]" must be a runbook-name pattern: 1 to 128 letters, digits, _ . - and the wildcards * ?`,
      );
    }
  });
  return { runbooks: [...(runbooks as string[])], ...validateRecipients(path, value, context) };
}

function validateRecipients(
  path: string,
  value: Record<string, unknown>,
  context: RecipientContext,
): Recipients {
  const email = validateList(`${path}.email`, value.email, 'e-mail addresses', (item, itemPath) => {
    if (!isEmailAddress(item)) fail(`"${itemPath}" must be an e-mail address`);
  });
  const webhooks = validateList(`${path}.webhooks`, value.webhooks, 'webhook names', (item, itemPath) => {
    if (typeof item !== 'string' || !WEBHOOK_NAME_PATTERN.test(item)) {
      fail(`"${itemPath}" must be the name of a webhook`);
    }
    if (!Object.hasOwn(context.webhooks, item as string)) {
      fail(`"${itemPath}" names the webhook ${JSON.stringify(item)}, which "webhooks" does not define`);
    }
  });
  const slack = value.slack === undefined ? undefined : validateSlack(`${path}.slack`, value.slack);
  // Unlike outgoing webhooks, Teams webhooks are not declared here: their URLs are secret-only, so the
  // notifier finds out about a missing one at run time (and logs it), not at synth time.
  const teams = validateList(`${path}.teams`, value.teams, 'Teams webhook names', (item, itemPath) => {
    if (typeof item !== 'string' || !WEBHOOK_NAME_PATTERN.test(item)) {
      fail(`"${itemPath}" must be the name of a Teams webhook: 1 to 64 letters, digits, _ or -`);
    }
  });
  const count =
    (email?.length ?? 0) + (webhooks?.length ?? 0) + (slack?.channels.length ?? 0) + (teams?.length ?? 0);
  if (count > NOTIFIER_CONFIG_LIMITS.recipientsPerRule) {
    fail(
      `"${path}" has ${count} recipients; at most ${NOTIFIER_CONFIG_LIMITS.recipientsPerRule} are allowed`,
    );
  }
  if (email !== undefined && email.length > 0 && !context.hasEmail) {
    fail(`"${path}.email" needs "email.from": e-mail recipients require a sender address`);
  }
  return {
    ...(email === undefined ? {} : { email }),
    ...(webhooks === undefined ? {} : { webhooks }),
    ...(slack === undefined ? {} : { slack }),
    ...(teams === undefined ? {} : { teams }),
  };
}

/**
 * A rule's Slack part: where the gate message goes and who may press its buttons. Approvers are required:
 * a message nobody may decide from would only invite clicks that are refused.
 */
function validateSlack(path: string, value: unknown): SlackRecipients {
  if (!isRecord(value)) return fail(`"${path}" must be an object with "channels" and "approvers"`);
  rejectUnknown(path, value, ['channels', 'approvers', 'approve']);

  const channelsPath = `${path}.channels`;
  if (!Array.isArray(value.channels) || value.channels.length === 0) {
    return fail(`"${channelsPath}" must be a non-empty array of Slack channel ids (C… or G…)`);
  }
  if (value.channels.length > NOTIFIER_CONFIG_LIMITS.slackChannelsPerRule) {
    fail(
      `"${channelsPath}" has ${value.channels.length} channels; at most ${NOTIFIER_CONFIG_LIMITS.slackChannelsPerRule} are allowed`,
    );
  }
  const channels = validateList(channelsPath, value.channels, 'Slack channel ids', (item, itemPath) => {
    if (typeof item !== 'string' || !SLACK_CHANNEL_ID_PATTERN.test(item)) {
      // Not a name (#ops): names change and can be reused; ids are stable and what the API takes.
      fail(`"${itemPath}" must be a Slack channel id (C… or G…, as shown in the channel's details)`);
    }
  }) as string[];

  const approversPath = `${path}.approvers`;
  const noApprovers = `"${approversPath}" must name at least one Slack user or user group: without approvers nobody could decide from Slack`;
  if (value.approvers === undefined) return fail(noApprovers);
  if (!isRecord(value.approvers)) {
    return fail(`"${approversPath}" must be an object with "users" and/or "userGroups"`);
  }
  rejectUnknown(approversPath, value.approvers, ['users', 'userGroups']);
  const users = validateList(
    `${approversPath}.users`,
    value.approvers.users,
    'Slack user ids',
    (item, itemPath) => {
      if (typeof item !== 'string' || !SLACK_USER_ID_PATTERN.test(item)) {
        fail(`"${itemPath}" must be a Slack user id (U… or W…)`);
      }
    },
  );
  const userGroups = validateList(
    `${approversPath}.userGroups`,
    value.approvers.userGroups,
    'Slack user-group ids',
    (item, itemPath) => {
      if (typeof item !== 'string' || !SLACK_USER_GROUP_ID_PATTERN.test(item)) {
        fail(`"${itemPath}" must be a Slack user-group id (S…)`);
      }
    },
  );
  const approverCount = (users?.length ?? 0) + (userGroups?.length ?? 0);
  if (approverCount === 0) fail(noApprovers);
  if (approverCount > NOTIFIER_CONFIG_LIMITS.slackApproversPerRule) {
    fail(
      `"${approversPath}" has ${approverCount} users and user groups; at most ${NOTIFIER_CONFIG_LIMITS.slackApproversPerRule} are allowed`,
    );
  }

  const approve = value.approve;
  if (approve !== undefined && !SLACK_APPROVE_MODES.includes(approve as SlackApproveMode)) {
    fail(`"${path}.approve" must be ${SLACK_APPROVE_MODES.map((mode) => JSON.stringify(mode)).join(' or ')}`);
  }

  return {
    channels,
    approvers: {
      ...(users === undefined ? {} : { users }),
      ...(userGroups === undefined ? {} : { userGroups }),
    },
    ...(approve === undefined ? {} : { approve: approve as SlackApproveMode }),
  };
}

/** A list of unique strings; `check` refuses a bad item. */
function validateList(
  path: string,
  value: unknown,
  what: string,
  check: (item: unknown, itemPath: string) => void,
): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return fail(`"${path}" must be an array of ${what}`);
  value.forEach((item, index) => {
    check(item, `${path}[${index}]`);
    if (value.indexOf(item) !== index) fail(`"${path}[${index}]" repeats an earlier entry`);
  });
  return [...(value as string[])];
}

function isEmailAddress(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= NOTIFIER_CONFIG_LIMITS.emailLength &&
    EMAIL_PATTERN.test(value)
  );
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
