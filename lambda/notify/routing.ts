/**
 * Who is told about a runbook's gates (pure): the first rule whose runbook pattern matches the runbook's
 * name decides; the default rule covers the rest; with neither, nobody is told (and the notifier says so).
 * Patterns are globs: `*` any run of characters, `?` one character; they match the whole name, case-sensitively
 * (SSM document names are case-sensitive).
 */
import { matchesRunbook } from '../core/runbook-pattern';
import type { NotifierConfig, Recipients } from './config';

/** One message to send: a channel and the address (e-mail) or name (webhook) it goes to. */
export interface Delivery {
  readonly channel: 'email' | 'webhook';
  readonly recipient: string;
}

export interface Route {
  /** `rules[2]` or `defaultRule`: which rule chose the recipients, for the log. */
  readonly rule: string;
  readonly deliveries: readonly Delivery[];
}

/** Each address once per channel, in the order the rule lists them (e-mail before webhooks). */
const deliveriesOf = (recipients: Recipients): Delivery[] => {
  const emails = [...new Set(recipients.email ?? [])].map((recipient) => ({
    channel: 'email' as const,
    recipient,
  }));
  const webhooks = [...new Set(recipients.webhooks ?? [])].map((recipient) => ({
    channel: 'webhook' as const,
    recipient,
  }));
  return [...emails, ...webhooks];
};

/** The route for a runbook, or undefined when no rule matches and there is no default rule. */
export const routeFor = (
  config: Pick<NotifierConfig, 'rules' | 'defaultRule'>,
  documentName: string,
): Route | undefined => {
  const index = config.rules.findIndex((rule) => rule.runbooks.some((p) => matchesRunbook(p, documentName)));
  const rule = config.rules[index];
  if (rule) return { rule: `rules[${index}]`, deliveries: deliveriesOf(rule) };
  if (config.defaultRule) return { rule: 'defaultRule', deliveries: deliveriesOf(config.defaultRule) };
  return undefined;
};
