import { Aws, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import type { FunctionName } from '../lambda/routes';

/**
 * Functions of the HTTP API that run as another function's role instead of a role of their own, and whose.
 * The Slack function acts on button clicks as the signal role: SSM accepts an Approve only from a
 * principal listed in the step's `Approvers`, which names the signal role, and the mutating actions stay
 * exactly two, each in exactly one role. So it adds no SSM grant of its own: it holds what the signal role
 * holds (`ssm:SendAutomationSignal`, `ssm:GetAutomationExecution`), which is what its buttons use.
 */
export const SHARED_ROLES = { slack: 'signal' } as const satisfies Partial<
  Record<FunctionName, FunctionName>
>;

/** A function that runs as another function's role (see `SHARED_ROLES`). */
export type RoleSharingFunctionName = keyof typeof SHARED_ROLES;

/**
 * The roles that hold SSM actions: one per function of the HTTP API that has a role of its own, the
 * notifier's, and the approver seats 2..K (`approverSeat`, one entry for all of them: see `SSM_ACTIONS`).
 */
export type SsmRoleName = Exclude<FunctionName, RoleSharingFunctionName> | 'notifier' | 'approverSeat';

/** The SSM actions of one role, mutating apart from read-only. */
export interface SsmRoleActions {
  /**
   * Actions that change an execution. `ssm:StopAutomationExecution` appears in exactly one role (stop);
   * `ssm:SendAutomationSignal` in the signal role and the approver seats, and nowhere else (see `SSM_ACTIONS`).
   */
  readonly mutating: readonly string[];
  /** Actions that only read an execution. */
  readonly read: readonly string[];
}

/** Reads an execution: its status, its waiting step, its runbook name (gate and scope checks). */
export const SSM_READ_ACTIONS: readonly string[] = ['ssm:GetAutomationExecution'];

/**
 * Every SSM action the webhook may call, per role (DESIGN.md §4). The mutating actions stay exactly two:
 * - `ssm:StopAutomationExecution` in exactly one role, the stop role. SSM checks no approver list on a
 *   stop, so nothing else may hold it.
 * - `ssm:SendAutomationSignal` in the signal role and in the approver seat roles (seats 2..K, see
 *   lib/approver-seats.ts), nowhere else. The seats exist because SSM counts approvals per principal: a
 *   gate with `MinRequiredApprovals: N` needs N principals of its `Approvers`, so N different people's
 *   approvals reach SSM through N different seats (seat 1 is the signal role itself) and SSM's own record
 *   shows N decisions. A seat holds this one action and nothing else (not even a read: the function reads
 *   with its own role first), and trusts only the signal role, so it adds no principal that could act
 *   outside the signal function's checks.
 *
 * Every function role reads executions, because each needs the truth before it acts or speaks: the gate
 * check before a signal, the outcome after a lost answer, the confirmation page, the notifier's message.
 */
export const SSM_ACTIONS: Readonly<Record<SsmRoleName, SsmRoleActions>> = {
  signal: { mutating: ['ssm:SendAutomationSignal'], read: SSM_READ_ACTIONS },
  stop: { mutating: ['ssm:StopAutomationExecution'], read: SSM_READ_ACTIONS },
  confirm: { mutating: [], read: SSM_READ_ACTIONS },
  notifier: { mutating: [], read: SSM_READ_ACTIONS },
  approverSeat: { mutating: ['ssm:SendAutomationSignal'], read: [] },
};

/** How cdk-nag renders the automation-execution ARN in its IAM5 finding ids. */
export const AUTOMATION_EXECUTIONS_FINDING =
  'arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:automation-execution/*';

/**
 * The ARN of every automation execution of the stack's account and region. The execution actions
 * authorize on the execution's ARN, and execution ids are only known at run time. Pseudo parameters
 * even when the stack's environment is known: the template (and cdk-nag's finding id) is then the same
 * in every environment.
 */
export function automationExecutionsArn(scope: IConstruct): string {
  return Stack.of(scope).formatArn({
    partition: Aws.PARTITION,
    region: Aws.REGION,
    account: Aws.ACCOUNT_ID,
    service: 'ssm',
    resource: 'automation-execution',
    resourceName: '*',
  });
}

/** Gives `role` the SSM actions of `name` (see `SSM_ACTIONS`) on automation executions, and nothing else. */
export function grantSsmActions(role: iam.Role, name: SsmRoleName): void {
  const { mutating, read } = SSM_ACTIONS[name];
  const actions = [...mutating, ...read];
  if (actions.length === 0) return;
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [automationExecutionsArn(role)] }));
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${AUTOMATION_EXECUTIONS_FINDING}]`,
    reason:
      `${actions.join(', ')} authorize on the automation execution's ARN, and the execution id is only known ` +
      'at run time; the wildcard is limited to automation executions of this account and region, and the ' +
      `actions to exactly these (${mutating.length === 0 ? 'read only' : `${mutating.join(', ')} is this role's one mutating action`}).`,
  });
}
