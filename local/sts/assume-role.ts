/**
 * STS AssumeRole as the local STS serves it: the request's parameters checked as STS checks them (its
 * model's constraints, in its "N validation errors detected" wording), the role's trust checked against
 * the caller, and the answer in STS's XML shape (`AssumeRoleResponse/AssumeRoleResult` with `Credentials`
 * and `AssumedRoleUser`).
 *
 * What the local roles cannot be, and is therefore written down here:
 * - Credentials are the role's fixed local access key and secret (the SSM simulator knows the role by
 *   that key), with a fresh session token and an expiry; real STS mints a new ASIA… key per session.
 * - Session policies (`Policy`, `PolicyArns`) cannot narrow a fixed key, so a request with one is refused
 *   (ValidationError) rather than answered with credentials broader than asked for.
 */
import { createHash, randomBytes } from 'node:crypto';
import { STS_NAMESPACE, StsError, xmlText } from './errors';

/** Who may call the local STS: its secret (for SigV4) and the ARN AWS resolves it to. */
export interface StsCaller {
  readonly secretAccessKey: string;
  /** An IAM user ARN or an assumed-role session ARN (`arn:aws:sts::ACCT:assumed-role/ROLE/SESSION`). */
  readonly arn: string;
}

/** A role the local STS hands out: whom its trust policy lets assume it, and the credentials it gives. */
export interface StsRole {
  /** Access key ids of the callers its trust policy names (the local stand-in for `Principal`). */
  readonly trustedCallers: readonly string[];
  /** The role's fixed local credentials (a principal the SSM simulator knows). */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** The role's MaxSessionDuration in seconds. @default 3600 */
  readonly maxSessionDurationSeconds?: number;
}

/** A session the local STS issued. */
export interface IssuedSession {
  readonly roleArn: string;
  readonly roleSessionName: string;
  /** The caller that assumed the role (its access key id). */
  readonly issuedTo: string;
  readonly accessKeyId: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

export interface AssumeRoleRequest {
  readonly roleArn: string;
  readonly roleSessionName: string;
  readonly durationSeconds: number;
}

/** STS's default and limits for DurationSeconds (the model's range; a role's own maximum defaults to 1 h). */
const DEFAULT_DURATION_SECONDS = 3600;
const MIN_DURATION_SECONDS = 900;
const MAX_DURATION_SECONDS = 43200;
/** AWS caps a session assumed by an assumed-role session ("role chaining") at one hour. */
const ROLE_CHAINING_LIMIT_SECONDS = 3600;
const SESSION_NAME_PATTERN = /^[\w+=,.@-]*$/;
const ASSUMED_ROLE_CALLER = /^arn:[a-z-]+:sts::\d{12}:assumed-role\//;
const ROLE_ARN = /^arn:([a-z-]+):iam::(\d{12}):role\/(?:[^/]+\/)*([^/]+)$/;

const violation = (value: string | undefined, member: string, constraint: string): string =>
  `Value ${value === undefined ? 'null' : `'${value}'`} at '${member}' failed to satisfy constraint: Member must ${constraint}`;

const lengthViolations = (
  value: string | undefined,
  member: string,
  min: number,
  max: number,
): readonly string[] => {
  if (value === undefined) return [violation(value, member, 'not be null')];
  if (value.length < min) return [violation(value, member, `have length greater than or equal to ${min}`)];
  if (value.length > max) return [violation(value, member, `have length less than or equal to ${max}`)];
  return [];
};

/**
 * The AssumeRole parameters of a request's form, checked against STS's model.
 * @throws StsError ValidationError naming every violated constraint, as STS lists them.
 */
export const parseAssumeRole = (form: URLSearchParams): AssumeRoleRequest => {
  if (form.has('Policy') || [...form.keys()].some((key) => key.startsWith('PolicyArns.'))) {
    throw new StsError(
      'ValidationError',
      'The local STS cannot apply session policies (Policy, PolicyArns): call AssumeRole without them.',
    );
  }
  const roleArn = form.get('RoleArn') ?? undefined;
  const roleSessionName = form.get('RoleSessionName') ?? undefined;
  const duration = form.get('DurationSeconds') ?? undefined;
  const violations = [
    ...lengthViolations(roleArn, 'roleArn', 20, 2048),
    ...lengthViolations(roleSessionName, 'roleSessionName', 2, 64),
  ];
  if (roleSessionName !== undefined && !SESSION_NAME_PATTERN.test(roleSessionName)) {
    violations.push(
      violation(roleSessionName, 'roleSessionName', 'satisfy regular expression pattern: [\\w+=,.@-]*'),
    );
  }
  let durationSeconds = DEFAULT_DURATION_SECONDS;
  if (duration !== undefined) {
    durationSeconds = /^\d+$/.test(duration) ? Number(duration) : Number.NaN;
    // Assumption (STS's front end answers a non-number in its own words): said as a constraint like the rest.
    if (Number.isNaN(durationSeconds))
      violations.push(violation(duration, 'durationSeconds', 'be an integer'));
    else if (durationSeconds < MIN_DURATION_SECONDS) {
      violations.push(
        violation(duration, 'durationSeconds', `have value greater than or equal to ${MIN_DURATION_SECONDS}`),
      );
    } else if (durationSeconds > MAX_DURATION_SECONDS) {
      violations.push(
        violation(duration, 'durationSeconds', `have value less than or equal to ${MAX_DURATION_SECONDS}`),
      );
    }
  }
  if (violations.length > 0) {
    const count = violations.length === 1 ? '1 validation error' : `${violations.length} validation errors`;
    throw new StsError('ValidationError', `${count} detected: ${violations.join('; ')}`);
  }
  return { roleArn: roleArn as string, roleSessionName: roleSessionName as string, durationSeconds };
};

/** A role id as IAM shows it: `AROA` and 17 upper-case letters and digits, stable per role ARN. */
const roleId = (roleArn: string): string =>
  `AROA${createHash('sha256').update(roleArn).digest('hex').slice(0, 17).toUpperCase()}`;

/** A session token: opaque and unguessable, like STS's (whose size STS says not to assume). */
const newSessionToken = (): string => `LocalStsSession/${randomBytes(48).toString('base64')}`;

const iso8601 = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Decides an AssumeRole request of `caller` (its access key id and identity): the role must exist and
 * trust the caller (AccessDenied otherwise, in STS's words, which do not say which of the two failed),
 * and the duration must fit the role and, for a caller that is itself a role session, the one-hour limit
 * of role chaining.
 */
export const assumeRole = (
  request: AssumeRoleRequest,
  caller: { readonly accessKeyId: string; readonly identity: StsCaller },
  roles: Readonly<Record<string, StsRole>>,
  now: Date,
): IssuedSession => {
  const role = Object.hasOwn(roles, request.roleArn) ? roles[request.roleArn] : undefined;
  if (!role?.trustedCallers.includes(caller.accessKeyId)) {
    throw new StsError(
      'AccessDenied',
      `User: ${caller.identity.arn} is not authorized to perform: sts:AssumeRole on resource: ${request.roleArn}`,
    );
  }
  if (
    ASSUMED_ROLE_CALLER.test(caller.identity.arn) &&
    request.durationSeconds > ROLE_CHAINING_LIMIT_SECONDS
  ) {
    throw new StsError(
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }
  if (request.durationSeconds > (role.maxSessionDurationSeconds ?? DEFAULT_DURATION_SECONDS)) {
    throw new StsError(
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }
  return {
    roleArn: request.roleArn,
    roleSessionName: request.roleSessionName,
    issuedTo: caller.accessKeyId,
    accessKeyId: role.credentials.accessKeyId,
    sessionToken: newSessionToken(),
    expiration: new Date(now.getTime() + request.durationSeconds * 1000),
  };
};

/** The session's ARN: `arn:aws:sts::ACCT:assumed-role/ROLE/SESSION` (the role's path is not part of it). */
export const assumedRoleArn = (roleArn: string, roleSessionName: string): string => {
  const [, partition, account, name] = ROLE_ARN.exec(roleArn) ?? [];
  return `arn:${partition ?? 'aws'}:sts::${account ?? ''}:assumed-role/${name ?? roleArn}/${roleSessionName}`;
};

/** The XML STS answers a successful AssumeRole with. */
export const assumeRoleResponseXml = (
  session: IssuedSession,
  secretAccessKey: string,
  requestId: string,
): string =>
  `<AssumeRoleResponse xmlns="${STS_NAMESPACE}">\n` +
  '  <AssumeRoleResult>\n' +
  '    <AssumedRoleUser>\n' +
  `      <Arn>${xmlText(assumedRoleArn(session.roleArn, session.roleSessionName))}</Arn>\n` +
  `      <AssumedRoleId>${roleId(session.roleArn)}:${xmlText(session.roleSessionName)}</AssumedRoleId>\n` +
  '    </AssumedRoleUser>\n' +
  '    <Credentials>\n' +
  `      <AccessKeyId>${xmlText(session.accessKeyId)}</AccessKeyId>\n` +
  `      <SecretAccessKey>${xmlText(secretAccessKey)}</SecretAccessKey>\n` +
  `      <SessionToken>${xmlText(session.sessionToken)}</SessionToken>\n` +
  `      <Expiration>${iso8601(session.expiration)}</Expiration>\n` +
  '    </Credentials>\n' +
  '  </AssumeRoleResult>\n' +
  '  <ResponseMetadata>\n' +
  `    <RequestId>${requestId}</RequestId>\n` +
  '  </ResponseMetadata>\n' +
  '</AssumeRoleResponse>\n';
