/**
 * Who is told about a runbook's gates (pure): the first rule whose runbook pattern matches the runbook's
 * name decides; the default rule covers the rest; with neither, nobody is told (and the notifier says so).
 * Patterns are globs: `*` any run of characters, `?` one character; they match the whole name, case-sensitively
 * (SSM document names are case-sensitive).
 *
 * The same choice also says who may decide from Slack ({@link slackRouteFor}): the Slack function must judge a
 * click by exactly the rule that posted the message, so both go through one rule-choosing function.
 */
import { matchesRunbook } from '../core/runbook-pattern';
import type { NotifierConfig, Recipients, SlackRecipients } from './config';

/**
 * One message to send: a channel and where it goes: an e-mail address, a webhook's name, a Slack channel id
 * or a Teams webhook's name.
 */
export interface Delivery {
  readonly channel: 'email' | 'webhook' | 'slack' | 'teams';
  readonly recipient: string;
}

export interface Route {
  /** `rules[2]` or `defaultRule`: which rule chose the recipients, for the log. */
  readonly rule: string;
  readonly deliveries: readonly Delivery[];
}

/** The Slack part of the rule that decides a runbook's gates: where its messages go and who may decide. */
export interface SlackRoute {
  /** `rules[2]` or `defaultRule`, for the log. */
  readonly rule: string;
  readonly slack: SlackRecipients;
}

type RoutingConfig = Pick<NotifierConfig, 'rules' | 'defaultRule'>;

/** The rule for a runbook: the first whose pattern matches, else the default rule, else none. */
const chooseRule = (
  config: RoutingConfig,
  documentName: string,
): { readonly rule: string; readonly recipients: Recipients } | undefined => {
  const index = config.rules.findIndex((rule) => rule.runbooks.some((p) => matchesRunbook(p, documentName)));
  const rule = config.rules[index];
  if (rule) return { rule: `rules[${index}]`, recipients: rule };
  if (config.defaultRule) return { rule: 'defaultRule', recipients: config.defaultRule };
  return undefined;
};

const once = <T extends Delivery['channel']>(channel: T, recipients: readonly string[] | undefined) =>
  [...new Set(recipients ?? [])].map((recipient) => ({ channel, recipient }));

/**
 * Each recipient once per channel, in the order the rule lists them; channels in the order e-mail,
 * webhooks, Slack (one message per channel id), Teams.
 */
const deliveriesOf = (recipients: Recipients): Delivery[] => [
  ...once('email', recipients.email),
  ...once('webhook', recipients.webhooks),
  ...once('slack', recipients.slack?.channels),
  ...once('teams', recipients.teams),
];

/** The route for a runbook, or undefined when no rule matches and there is no default rule. */
export const routeFor = (config: RoutingConfig, documentName: string): Route | undefined => {
  const chosen = chooseRule(config, documentName);
  return chosen && { rule: chosen.rule, deliveries: deliveriesOf(chosen.recipients) };
};

/**
 * The Slack part of the rule {@link routeFor} picks, or undefined when that rule has none (or no rule applies).
 * A matching rule without Slack does not fall through to the default rule: it decides the runbook's gates,
 * so nobody may decide them from Slack.
 */
export const slackRouteFor = (config: RoutingConfig, documentName: string): SlackRoute | undefined => {
  const chosen = chooseRule(config, documentName);
  return chosen?.recipients.slack && { rule: chosen.rule, slack: chosen.recipients.slack };
};
