import { DefaultStackSynthesizer, Fn, type RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';

/** Reads the secret's value: what the functions do at run time, and the operator tools before they change it. */
export const SECRET_READ_ACTIONS: readonly string[] = ['secretsmanager:GetSecretValue'];

/**
 * Every action that changes what the secret holds, which version is current, whether it exists, who may
 * read it, or copies it elsewhere. Denied to everyone but the operator role and the deployment. Left open:
 * DescribeSecret, ListSecretVersionIds and GetResourcePolicy (metadata, no value), and TagResource and
 * UntagResource: tags hold no value and cannot grant a read past the deny, and CloudFormation and tagging
 * tools write them.
 */
export const SECRET_WRITE_ACTIONS: readonly string[] = [
  // The value and its versions: a new link key or API client hash would let the writer mint credentials.
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecret',
  'secretsmanager:UpdateSecretVersionStage',
  'secretsmanager:RotateSecret',
  'secretsmanager:CancelRotateSecret',
  // Its existence: links and tokens stop working without it.
  'secretsmanager:DeleteSecret',
  'secretsmanager:RestoreSecret',
  // The policy itself: removing it would undo the rest.
  'secretsmanager:PutResourcePolicy',
  'secretsmanager:DeleteResourcePolicy',
  // Copies in other regions.
  'secretsmanager:ReplicateSecretToRegions',
  'secretsmanager:RemoveRegionsFromReplication',
  'secretsmanager:StopReplicationToReplica',
];

/** An IAM role ARN, path allowed, no wildcards (`ArnNotEquals` would treat `*` and `?` as patterns). */
const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/**
 * Why `arn` cannot name a role that the secret's policy exempts, or undefined when it can. Tokens pass: they
 * resolve at deploy time. `account` (when known) must be the role's account: the policy only denies, so a
 * role of another account would still lack any grant on the secret.
 */
export function roleArnProblem(arn: string, account: string | undefined): string | undefined {
  if (Token.isUnresolved(arn)) return undefined;
  const match = ROLE_ARN.exec(arn);
  if (match === null) {
    return `must be an IAM role ARN without wildcards (arn:aws:iam::<account>:role/<path/><name>), got ${JSON.stringify(arn)}`;
  }
  if (account !== undefined && !Token.isUnresolved(account) && match[1] !== account) {
    return `must be a role of the stack's account ${account}, got ${JSON.stringify(arn)}`;
  }
  return undefined;
}

/**
 * The role CloudFormation deploys `scope`'s stack with: the CloudFormation execution role of the (top-level)
 * stack's DefaultStackSynthesizer, `cdk-<qualifier>-cfn-exec-role-<account>-<region>`, exactly as the CDK CLI
 * passes it to CloudFormation. Undefined for any other synthesizer: CloudFormation then acts with the
 * credentials of whoever deploys, which the stack cannot know.
 */
export function cloudFormationExecutionRoleArn(scope: IConstruct): string | undefined {
  let stack = Stack.of(scope);
  while (stack.nestedStackParent !== undefined) stack = stack.nestedStackParent;
  const synthesizer = stack.synthesizer;
  if (!(synthesizer instanceof DefaultStackSynthesizer)) return undefined;
  // `${AWS::Partition}`, and `${AWS::AccountId}` and `${AWS::Region}` for environment-agnostic stacks, are
  // the CLI's placeholders; Fn::Sub gives CloudFormation's values for the same names.
  return Fn.sub(synthesizer.cloudFormationExecutionRoleArn);
}

export interface SecretAccessProps {
  /** The roles of the webhook's functions: they may read the value, and nothing else. */
  readonly readerRoles: readonly iam.IRole[];
  /** The operator role: reads and changes the value. @default - none */
  readonly operatorRoleArn?: string;
  /** The role CloudFormation deploys the stack with: exempt from the whole policy. */
  readonly deploymentRoleArn: string;
  /** Applied to the policy resource too, so that a retained secret stays protected. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Gives `secret` a resource policy that denies reading its value to every principal but `readerRoles`, the
 * operator and the deployment, and denies changing it (`SECRET_WRITE_ACTIONS`) to every principal but the
 * operator and the deployment. It grants nothing: each of them still needs its own identity policy.
 *
 * Why a deny, and why these exemptions:
 * - An identity policy with a broad `secretsmanager:GetSecretValue` (on `*`, as in many admin and developer
 *   roles) would otherwise read the link key and mint links under any approver's name, or add an API
 *   client. An explicit deny in the resource policy wins over every allow in the account.
 * - Principals are matched with `aws:PrincipalArn` in the condition, not with `Principal`/`NotPrincipal`:
 *   for an assumed-role session it is the role's ARN (with its path), so every session of the role matches,
 *   and a role deleted and re-created under the same name still matches. A request without that key (an
 *   AWS service acting as itself, an anonymous one) is denied.
 * - CloudFormation creates, updates and deletes the secret and this policy with the credentials of the
 *   deployment: with the CDK's bootstrap, the CloudFormation execution role. That role is exempt, by its
 *   exact ARN. Exempting it gives nobody new power: it trusts only cloudformation.amazonaws.com, and whoever
 *   may deploy the stack may change this policy anyway. Without the exemption, the next deployment could not
 *   update the policy and `cdk destroy` could not delete the secret.
 * - Not `aws:CalledVia` = cloudformation.amazonaws.com: that key is set when CloudFormation forwards the
 *   caller's own credentials, so anyone allowed to create any stack could read the value through a
 *   `{{resolve:secretsmanager:…}}` dynamic reference, or replace this policy with an
 *   `AWS::SecretsManager::ResourcePolicy` of their own stack; and it is absent when CloudFormation acts
 *   with a service role, as it does with the CDK's bootstrap.
 * - Not a `cdk-*-cfn-exec-role-*` pattern: anyone who may create a role of that name would pass; the exact
 *   ARN requires changing the real role's trust policy.
 */
export function restrictSecretAccess(
  secret: secretsmanager.Secret,
  props: SecretAccessProps,
): secretsmanager.ResourcePolicy {
  const changers = [
    ...(props.operatorRoleArn === undefined ? [] : [props.operatorRoleArn]),
    props.deploymentRoleArn,
  ];
  const readers = [...props.readerRoles.map((role) => role.roleArn), ...changers];
  secret.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyReadExceptFunctionsOperatorDeployment',
      effect: iam.Effect.DENY,
      principals: [new iam.StarPrincipal()],
      actions: [...SECRET_READ_ACTIONS],
      resources: ['*'],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': readers } },
    }),
  );
  secret.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyChangeExceptOperatorDeployment',
      effect: iam.Effect.DENY,
      principals: [new iam.StarPrincipal()],
      actions: [...SECRET_WRITE_ACTIONS],
      resources: ['*'],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': changers } },
    }),
  );
  const policy = secret.node.findChild('Policy') as secretsmanager.ResourcePolicy;
  policy.applyRemovalPolicy(props.removalPolicy);
  return policy;
}
