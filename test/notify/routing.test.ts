import { globToRegExp, matchesRunbook } from '../../lambda/core/runbook-pattern';
import { listsRole } from '../../lambda/gate/approvers';
import type { NotifierConfig } from '../../lambda/notify/config';
import { routeFor, type SlackRoute, slackRouteFor } from '../../lambda/notify/routing';

const config: Pick<NotifierConfig, 'rules' | 'defaultRule'> = {
  rules: [
    {
      runbooks: ['Deploy-*', 'Hotfix-?'],
      email: ['sre@example.com', 'sre@example.com', 'lead@example.com'],
      webhooks: ['jira'],
    },
    { runbooks: ['Deploy-Prod'], email: ['never@example.com'] },
  ],
  defaultRule: { email: ['platform@example.com'] },
};

describe('routing', () => {
  it('matches whole names with * and ?, case-sensitively, and treats regex characters literally', () => {
    expect(matchesRunbook('Deploy-*', 'Deploy-Prod')).toBe(true);
    expect(matchesRunbook('Deploy-*', 'deploy-Prod')).toBe(false);
    expect(matchesRunbook('Deploy-*', 'X-Deploy-Prod')).toBe(false);
    expect(matchesRunbook('Hotfix-?', 'Hotfix-1')).toBe(true);
    expect(matchesRunbook('Hotfix-?', 'Hotfix-12')).toBe(false);
    expect(matchesRunbook('A.B', 'AxB')).toBe(false);
    expect(globToRegExp('A.*').source).toBe('^A\\..*$');
  });

  it('takes the first matching rule: each recipient once, e-mail before webhooks', () => {
    expect(routeFor(config, 'Deploy-Prod')).toEqual({
      rule: 'rules[0]',
      deliveries: [
        { channel: 'email', recipient: 'sre@example.com' },
        { channel: 'email', recipient: 'lead@example.com' },
        { channel: 'webhook', recipient: 'jira' },
      ],
    });
  });

  it('falls back to the default rule, and to nobody without one', () => {
    expect(routeFor(config, 'Demo-ApproveChange')).toEqual({
      rule: 'defaultRule',
      deliveries: [{ channel: 'email', recipient: 'platform@example.com' }],
    });
    expect(routeFor({ rules: config.rules }, 'Demo-ApproveChange')).toBeUndefined();
  });
});

describe('routing to Slack and Teams', () => {
  const deploySlack = {
    channels: ['C0DEPLOYS', 'G0PRIVATE', 'C0DEPLOYS'],
    approvers: { users: ['U0ALICE'], userGroups: ['S0SRE'] },
    approve: 'with-comment',
  } as const;
  const defaultSlack = { channels: ['C0PLATFORM'], approvers: { users: ['U0PLATFORM'] } };
  const chatConfig: Pick<NotifierConfig, 'rules' | 'defaultRule'> = {
    rules: [
      {
        runbooks: ['Deploy-*'],
        // Listed in another order than they are sent: the channel order is fixed, not the rule's.
        teams: ['change-advisory', 'sre', 'change-advisory'],
        slack: deploySlack,
        webhooks: ['jira'],
        email: ['sre@example.com'],
      },
      { runbooks: ['Patch-*'], email: ['patch@example.com'], teams: ['patching'] },
      { runbooks: ['Sandbox-*'] },
      { runbooks: ['Deploy-Prod'], slack: { channels: ['C0NEVER'], approvers: { users: ['U0NEVER'] } } },
    ],
    defaultRule: { slack: defaultSlack, teams: ['platform'] },
  };

  it('sends e-mail, then webhooks, then one Slack message per channel id, then Teams; each recipient once', () => {
    expect(routeFor(chatConfig, 'Deploy-Prod')).toEqual({
      rule: 'rules[0]',
      deliveries: [
        { channel: 'email', recipient: 'sre@example.com' },
        { channel: 'webhook', recipient: 'jira' },
        { channel: 'slack', recipient: 'C0DEPLOYS' },
        { channel: 'slack', recipient: 'G0PRIVATE' },
        { channel: 'teams', recipient: 'change-advisory' },
        { channel: 'teams', recipient: 'sre' },
      ],
    });
  });

  it('routes Slack and Teams of the default rule when no rule matches', () => {
    expect(routeFor(chatConfig, 'Demo-ApproveChange')).toEqual({
      rule: 'defaultRule',
      deliveries: [
        { channel: 'slack', recipient: 'C0PLATFORM' },
        { channel: 'teams', recipient: 'platform' },
      ],
    });
  });

  it('gives the Slack part of the first matching rule, with the rule that chose it', () => {
    expect(slackRouteFor(chatConfig, 'Deploy-Prod')).toEqual<SlackRoute>({
      rule: 'rules[0]',
      slack: deploySlack,
    });
    // The very object of the configuration: the Slack function judges a click by what the notifier posted with.
    expect(slackRouteFor(chatConfig, 'Deploy-Prod')?.slack).toBe(deploySlack);
  });

  it('gives undefined for a matching rule without Slack: it does not fall through to the default rule', () => {
    expect(slackRouteFor(chatConfig, 'Patch-Kernel')).toBeUndefined();
    expect(slackRouteFor(chatConfig, 'Sandbox-Reset')).toBeUndefined();
    // routeFor agrees: the same rule decides, and it names no Slack channel.
    expect(routeFor(chatConfig, 'Patch-Kernel')).toEqual({
      rule: 'rules[1]',
      deliveries: [
        { channel: 'email', recipient: 'patch@example.com' },
        { channel: 'teams', recipient: 'patching' },
      ],
    });
    expect(routeFor(chatConfig, 'Sandbox-Reset')).toEqual({ rule: 'rules[2]', deliveries: [] });
  });

  it("uses the default rule's Slack part only when no rule matches", () => {
    expect(slackRouteFor(chatConfig, 'Demo-ApproveChange')).toEqual<SlackRoute>({
      rule: 'defaultRule',
      slack: defaultSlack,
    });
    expect(slackRouteFor({ rules: chatConfig.rules }, 'Demo-ApproveChange')).toBeUndefined();
    expect(
      slackRouteFor({ rules: chatConfig.rules, defaultRule: { teams: ['platform'] } }, 'Demo-ApproveChange'),
    ).toBeUndefined();
  });

  it('matches like routeFor: whole names, case-sensitively', () => {
    expect(slackRouteFor(chatConfig, 'deploy-Prod')).toEqual<SlackRoute>({
      rule: 'defaultRule',
      slack: defaultSlack,
    });
    expect(slackRouteFor(chatConfig, 'X-Deploy-Prod')).toEqual<SlackRoute>({
      rule: 'defaultRule',
      slack: defaultSlack,
    });
  });
});

describe('listsRole', () => {
  const role = 'arn:aws:iam::123456789012:role/ssm-approval-webhook-signal';
  it('finds the signal role by its ARN, with or without a path', () => {
    expect(listsRole(['arn:aws:iam::123456789012:user/alice', role], role)).toBe(true);
    expect(listsRole(['arn:aws:iam::123456789012:role/team/ssm-approval-webhook-signal'], role)).toBe(true);
  });
  it('does not count other roles, accounts, sessions or user names', () => {
    expect(listsRole(['arn:aws:iam::123456789012:role/other'], role)).toBe(false);
    expect(listsRole(['arn:aws:iam::210987654321:role/ssm-approval-webhook-signal'], role)).toBe(false);
    expect(listsRole(['arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-signal/fn'], role)).toBe(
      false,
    );
    expect(listsRole(['ssm-approval-webhook-signal'], role)).toBe(false);
  });
});
