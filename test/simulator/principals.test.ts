import {
  callerIdentity,
  DEFAULT_LOCAL_PRINCIPALS,
  identityKey,
  isAllowed,
  matchesApprover,
  type SsmAction,
} from '../../local/simulator/principals';

const ACCOUNT = '123456789012';
const SESSION = 'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-signal/local';
const USER = 'arn:aws:iam::123456789012:user/team/alice';

describe('matchesApprover', () => {
  it.each([
    [
      'role ARN ↔ session of that role',
      SESSION,
      'arn:aws:iam::123456789012:role/ssm-approval-webhook-signal',
      true,
    ],
    [
      'role ARN with a path ↔ session',
      SESSION,
      'arn:aws:iam::123456789012:role/service/ssm-approval-webhook-signal',
      true,
    ],
    ['exact assumed-role ARN', SESSION, SESSION, true],
    [
      'assumed-role ARN of another session',
      SESSION,
      'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-signal/other',
      false,
    ],
    ['role ARN of another role', SESSION, 'arn:aws:iam::123456789012:role/ssm-approval-webhook-stop', false],
    [
      'role ARN in another account',
      SESSION,
      'arn:aws:iam::210987654321:role/ssm-approval-webhook-signal',
      false,
    ],
    [
      'role ARN in another partition',
      SESSION,
      'arn:aws-cn:iam::123456789012:role/ssm-approval-webhook-signal',
      false,
    ],
    [
      'role names are case-sensitive here',
      SESSION,
      'arn:aws:iam::123456789012:role/SSM-Approval-Webhook-Signal',
      false,
    ],
    ['user name of an IAM user in the account', USER, 'alice', true],
    ['user name does not match a role session', SESSION, 'local', false],
    ['exact user ARN', USER, USER, true],
    ['user ARN without the path', USER, 'arn:aws:iam::123456789012:user/alice', false],
    ['role ARN does not match a user', USER, 'arn:aws:iam::123456789012:role/alice', false],
    ['root never matches a user name', 'arn:aws:iam::123456789012:root', 'root', false],
  ])('%s', (_, caller, approver, expected) => {
    expect(matchesApprover(caller, approver, ACCOUNT)).toBe(expected);
  });

  it('matches a user name only in the execution account', () => {
    expect(matchesApprover(USER, 'alice', '210987654321')).toBe(false);
  });
});

describe('callerIdentity and identityKey', () => {
  it('identify a session by its role and a user by its name', () => {
    expect(callerIdentity(SESSION)).toStrictEqual({
      kind: 'role',
      partition: 'aws',
      account: ACCOUNT,
      role: 'ssm-approval-webhook-signal',
    });
    expect(identityKey(callerIdentity(SESSION) as never)).toBe(
      'role:aws:123456789012:ssm-approval-webhook-signal',
    );
    expect(identityKey(callerIdentity(USER) as never)).toBe('user:aws:123456789012:alice');
    expect(callerIdentity('arn:aws:sts::123456789012:federated-user/bob')).toBeUndefined();
  });
});

describe('DEFAULT_LOCAL_PRINCIPALS', () => {
  it('holds the webhook roles, approver seats 2 and 3, an operator and an outsider', () => {
    expect(
      Object.fromEntries(Object.entries(DEFAULT_LOCAL_PRINCIPALS).map(([key, p]) => [key, p.arn])),
    ).toStrictEqual({
      AKIALOCALWEBHOOKSIGN: 'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-signal/local',
      AKIALOCALWEBHOOKSEAT2: 'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-seat-2/local',
      AKIALOCALWEBHOOKSEAT3: 'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-seat-3/local',
      AKIALOCALWEBHOOKSTOP: 'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-stop/local',
      AKIALOCALWEBHOOKCONF: 'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-confirm/local',
      AKIALOCALWEBHOOKNOTI: 'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-notifier/local',
      AKIALOCALOPERATOR001: 'arn:aws:iam::123456789012:user/local-operator',
      AKIALOCALOUTSIDER001: 'arn:aws:iam::123456789012:user/local-outsider',
    });
  });

  it('allow the webhook roles exactly the actions of the deployed roles', () => {
    const actions: readonly SsmAction[] = [
      'ssm:StartAutomationExecution',
      'ssm:GetAutomationExecution',
      'ssm:DescribeAutomationStepExecutions',
      'ssm:SendAutomationSignal',
      'ssm:StopAutomationExecution',
    ];
    const allowed = Object.fromEntries(
      Object.entries(DEFAULT_LOCAL_PRINCIPALS).map(([key, principal]) => [
        key,
        actions.filter((action) => isAllowed(principal, action)),
      ]),
    );

    expect(allowed).toStrictEqual({
      AKIALOCALWEBHOOKSIGN: ['ssm:GetAutomationExecution', 'ssm:SendAutomationSignal'],
      AKIALOCALWEBHOOKSEAT2: ['ssm:SendAutomationSignal'],
      AKIALOCALWEBHOOKSEAT3: ['ssm:SendAutomationSignal'],
      AKIALOCALWEBHOOKSTOP: ['ssm:GetAutomationExecution', 'ssm:StopAutomationExecution'],
      AKIALOCALWEBHOOKCONF: ['ssm:GetAutomationExecution'],
      AKIALOCALWEBHOOKNOTI: ['ssm:GetAutomationExecution'],
      AKIALOCALOPERATOR001: actions,
      AKIALOCALOUTSIDER001: actions,
    });
  });
});
