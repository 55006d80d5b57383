import { actedAsRole } from '../../lambda/gate/approvers';

const ROLE = 'arn:aws:iam::123456789012:role/service/ssm-approval-webhook-signal';

describe('actedAsRole', () => {
  it.each([
    ['the role itself', ROLE, true],
    ['the role without its path', 'arn:aws:iam::123456789012:role/ssm-approval-webhook-signal', true],
    ['a session of the role', 'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-signal/fn', true],
    ['a session of another role', 'arn:aws:sts::123456789012:assumed-role/ops-admin/fn', false],
    [
      'the same role name in another account',
      'arn:aws:sts::210987654321:assumed-role/ssm-approval-webhook-signal/fn',
      false,
    ],
    [
      'the same role name in another partition',
      'arn:aws-cn:sts::123456789012:assumed-role/ssm-approval-webhook-signal/fn',
      false,
    ],
    ['an IAM user', 'arn:aws:iam::123456789012:user/ssm-approval-webhook-signal', false],
    ['a bare name', 'ssm-approval-webhook-signal', false],
  ])('%s → %s', (_what, principal, expected) => {
    expect(actedAsRole(principal, ROLE)).toBe(expected);
  });

  it('is false for every principal when the role ARN is not a role ARN', () => {
    expect(actedAsRole('arn:aws:iam::123456789012:user/x', 'arn:aws:iam::123456789012:user/x')).toBe(false);
  });
});
