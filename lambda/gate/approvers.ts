/**
 * Whether a gate's `Approvers` let the webhook decide it: SSM accepts Approve/Reject only from a listed
 * principal, and the webhook signals as its signal role. An entry names the role when it is the role's ARN
 * (a role ARN with a path matches the same role without it, since SSM sees the assumed-role session, which
 * carries no path). An assumed-role session ARN names one session only, and the Lambda function's session
 * name is not stable, so such entries do not count; neither do user names and user ARNs.
 */
const ROLE_ARN = /^arn:([a-z-]+):iam::(\d{12}):role\/(?:[^/]+\/)*([^/]+)$/;

const roleKey = (arn: string): string | undefined => {
  const match = ROLE_ARN.exec(arn);
  return match ? `${match[1]}:${match[2]}:${match[3]}` : undefined;
};

/** An assumed-role session ARN: `arn:aws:sts::<account>:assumed-role/<role name>/<session>`. */
const SESSION_ARN = /^arn:([a-z-]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;

/**
 * Whether SSM's recorded approver is the role itself or a session of it (how SSM records a Lambda
 * function's call). Used to trust only the comments the webhook wrote: anyone else may type the same words.
 */
export const actedAsRole = (principalArn: string, roleArn: string): boolean => {
  const wanted = roleKey(roleArn);
  if (wanted === undefined) return false;
  const session = SESSION_ARN.exec(principalArn);
  return (session ? `${session[1]}:${session[2]}:${session[3]}` : roleKey(principalArn)) === wanted;
};

export const listsRole = (approvers: readonly string[], roleArn: string): boolean => {
  const wanted = roleKey(roleArn);
  return wanted !== undefined && approvers.some((approver) => roleKey(approver) === wanted);
};
