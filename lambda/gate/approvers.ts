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

export const listsRole = (approvers: readonly string[], roleArn: string): boolean => {
  const wanted = roleKey(roleArn);
  return wanted !== undefined && approvers.some((approver) => roleKey(approver) === wanted);
};
