/**
 * Who may call the simulator: access key id → secret and the principal ARN that AWS would resolve the
 * caller to. Plus the rules that decide whether a caller is one of an `aws:approve` step's Approvers.
 */

/** An IAM action the simulator can authorise, e.g. `ssm:SendAutomationSignal`. */
export type SsmAction =
  | 'ssm:StartAutomationExecution'
  | 'ssm:GetAutomationExecution'
  | 'ssm:DescribeAutomationStepExecutions'
  | 'ssm:SendAutomationSignal'
  | 'ssm:StopAutomationExecution';

export interface Principal {
  readonly secretAccessKey: string;
  /** IAM user ARN (`arn:aws:iam::ACCT:user/NAME`) or assumed-role session ARN (`arn:aws:sts::ACCT:assumed-role/ROLE/SESSION`). */
  readonly arn: string;
  /**
   * The actions this principal's (imagined) IAM policy allows; any other is answered with
   * AccessDeniedException, as IAM would. @default every action
   */
  readonly allowedActions?: readonly SsmAction[];
}

/** Access key id → principal. */
export type PrincipalMap = Readonly<Record<string, Principal>>;

/** The account of every default principal and of the simulator's ARNs. */
export const LOCAL_ACCOUNT_ID = '123456789012';

/**
 * The sessions of approver seats 2 and 3 (docs/quorum.md): roles only the signal role may assume (the
 * local STS hands their credentials out on AssumeRole of `role/ssm-approval-webhook-seat-<n>`), holding
 * only ssm:SendAutomationSignal, as the stack's seat roles do. Seat 1 is the signal role itself.
 */
export const LOCAL_SEAT_2_ARN = `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/ssm-approval-webhook-seat-2/local`;
export const LOCAL_SEAT_3_ARN = `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/ssm-approval-webhook-seat-3/local`;

/**
 * Fixed, documented dummy credentials for local use. They are not secrets and open nothing on AWS.
 * The webhook principals hold exactly the actions the deployed roles hold (DESIGN.md §4): signal and
 * stop their one SSM write plus GetAutomationExecution, confirm and notifier only
 * GetAutomationExecution; approver seats 2 and 3 only SendAutomationSignal. So local runs catch a handler
 * that calls SSM with the wrong role.
 */
export const DEFAULT_LOCAL_PRINCIPALS: PrincipalMap = {
  AKIALOCALWEBHOOKSIGN: {
    secretAccessKey: 'local-dummy-secret-webhook-signal-00000000',
    arn: `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/ssm-approval-webhook-signal/local`,
    allowedActions: ['ssm:SendAutomationSignal', 'ssm:GetAutomationExecution'],
  },
  AKIALOCALWEBHOOKSEAT2: {
    secretAccessKey: 'local-dummy-secret-webhook-seat-2-00000000',
    arn: LOCAL_SEAT_2_ARN,
    allowedActions: ['ssm:SendAutomationSignal'],
  },
  AKIALOCALWEBHOOKSEAT3: {
    secretAccessKey: 'local-dummy-secret-webhook-seat-3-00000000',
    arn: LOCAL_SEAT_3_ARN,
    allowedActions: ['ssm:SendAutomationSignal'],
  },
  AKIALOCALWEBHOOKSTOP: {
    secretAccessKey: 'local-dummy-secret-webhook-stop-0000000000',
    arn: `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/ssm-approval-webhook-stop/local`,
    allowedActions: ['ssm:StopAutomationExecution', 'ssm:GetAutomationExecution'],
  },
  AKIALOCALWEBHOOKCONF: {
    secretAccessKey: 'local-dummy-secret-webhook-confirm-0000000',
    arn: `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/ssm-approval-webhook-confirm/local`,
    allowedActions: ['ssm:GetAutomationExecution'],
  },
  AKIALOCALWEBHOOKNOTI: {
    secretAccessKey: 'local-dummy-secret-webhook-notifier-000000',
    arn: `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/ssm-approval-webhook-notifier/local`,
    allowedActions: ['ssm:GetAutomationExecution'],
  },
  AKIALOCALOPERATOR001: {
    secretAccessKey: 'local-dummy-secret-operator-0000000000000',
    arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/local-operator`,
  },
  AKIALOCALOUTSIDER001: {
    secretAccessKey: 'local-dummy-secret-outsider-0000000000000',
    arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/local-outsider`,
  },
};

/** The identity behind a caller ARN, as far as approvals are concerned. */
export type CallerIdentity =
  | { readonly kind: 'user'; readonly partition: string; readonly account: string; readonly name: string }
  | { readonly kind: 'role'; readonly partition: string; readonly account: string; readonly role: string };

const USER_ARN = /^arn:([a-z-]+):iam::(\d{12}):user\/(?:[^/]+\/)*([^/]+)$/;
const ASSUMED_ROLE_ARN = /^arn:([a-z-]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;
const ROLE_ARN = /^arn:([a-z-]+):iam::(\d{12}):role\/(?:[^/]+\/)*([^/]+)$/;

/** The identity of a caller ARN, or undefined for forms that can never approve (root, federated user). */
export const callerIdentity = (arn: string): CallerIdentity | undefined => {
  const user = USER_ARN.exec(arn);
  if (user) return { kind: 'user', partition: user[1] ?? '', account: user[2] ?? '', name: user[3] ?? '' };
  const session = ASSUMED_ROLE_ARN.exec(arn);
  if (session)
    return { kind: 'role', partition: session[1] ?? '', account: session[2] ?? '', role: session[3] ?? '' };
  return undefined;
};

/**
 * A stable key per identity, so that MinRequiredApprovals counts distinct approvers: two sessions of
 * one role are one approver. Assumption (undocumented): SSM counts roles, not sessions.
 */
export const identityKey = (identity: CallerIdentity): string =>
  identity.kind === 'user'
    ? `user:${identity.partition}:${identity.account}:${identity.name}`
    : `role:${identity.partition}:${identity.account}:${identity.role}`;

/**
 * Whether a caller matches one entry of `Approvers`. The documented entry forms are an IAM user name,
 * an IAM user ARN, an IAM role ARN and an assumed-role ("assume role user") ARN.
 * - user name: matches an IAM user of that name in the execution's account;
 * - user ARN / assumed-role ARN: exact match;
 * - role ARN (any path): matches every session of that role, since an assumed-role ARN carries no path.
 * Comparison is case-sensitive (assumption: SSM compares ARNs as strings).
 */
export const matchesApprover = (callerArn: string, approver: string, executionAccount: string): boolean => {
  if (callerArn === approver) return true;
  const caller = callerIdentity(callerArn);
  if (!caller) return false;
  if (!approver.startsWith('arn:')) {
    return caller.kind === 'user' && caller.account === executionAccount && caller.name === approver;
  }
  // A user ARN or an assumed-role ARN only matches itself, which the first comparison covered.
  const role = ROLE_ARN.exec(approver);
  return (
    role !== null &&
    caller.kind === 'role' &&
    caller.partition === role[1] &&
    caller.account === role[2] &&
    caller.role === role[3]
  );
};

/** The principal whose access key id is `accessKeyId`. */
export const findPrincipal = (principals: PrincipalMap, accessKeyId: string): Principal | undefined =>
  Object.hasOwn(principals, accessKeyId) ? principals[accessKeyId] : undefined;

/** Whether the principal's policy allows the action. */
export const isAllowed = (principal: Principal, action: SsmAction): boolean =>
  principal.allowedActions === undefined || principal.allowedActions.includes(action);
