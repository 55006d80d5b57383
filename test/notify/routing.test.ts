import { globToRegExp, matchesRunbook } from '../../lambda/core/runbook-pattern';
import { listsRole } from '../../lambda/gate/approvers';
import type { NotifierConfig } from '../../lambda/notify/config';
import { routeFor } from '../../lambda/notify/routing';

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
