/**
 * SigV4 verification for the simulator, as SSM answers it: the shared checks of `local/sigv4/verify.ts`
 * (see there for their order and source), with signing name `ssm`, errors as `SsmError`s, and
 * `X-Amz-Date` or `Date` accepted in ISO-8601 basic format or RFC 7231 form.
 *
 * The scope's region must be the region the service runs in: AWS answers a request signed for another
 * region with InvalidSignatureException "Credential should be scoped to a valid region, not '<region>'. "
 * (as reported from several AWS JSON services; see the assumptions in docs/simulator.md).
 *
 * Session tokens: a request may carry one only when a {@link SessionResolver} (the local STS, in `npm start`)
 * says it issued that token for the request's access key; the caller is then that session, e.g.
 * `arn:aws:sts::ACCT:assumed-role/ROLE/SESSION`, with the key's principal's permissions. Any other token is
 * UnrecognizedClientException "The security token included in the request is invalid", an expired session
 * ExpiredTokenException "The security token included in the request is expired" (HTTP 400), as AWS JSON
 * services, SSM among them, answer them.
 */
import {
  expiredOrNotYetCurrentMessage,
  type ReceivedRequest,
  type SigV4Dialect,
  verifySigV4,
} from '../sigv4/verify';
import { SsmError } from './errors';
import { findPrincipal, type Principal, type PrincipalMap } from './principals';

/** A session of temporary credentials, as the service that issued it knows it. */
export interface IssuedSessionView {
  /** The caller ARN the session acts as (an assumed-role session ARN). */
  readonly arn: string;
  readonly expiration: Date;
}

/**
 * The session that `sessionToken` belongs to, if it was issued for `accessKeyId` (expired ones included:
 * the simulator answers those ExpiredTokenException); undefined for a token issued to no one or for
 * another key.
 */
export type SessionResolver = (accessKeyId: string, sessionToken: string) => IssuedSessionView | undefined;

export type { ReceivedRequest };

export interface Caller {
  readonly accessKeyId: string;
  readonly principal: Principal;
  readonly region: string;
}

const SSM: Omit<SigV4Dialect, 'acceptsRegion'> = {
  service: 'ssm',
  acceptsDateHeader: true,
  error: (name, message) => new SsmError(name, message),
  missingTokenMessage: 'Request is missing Authentication Token',
  quotesTrimmedAuthorization: false,
  clockSkewMessage: expiredOrNotYetCurrentMessage,
  trimsScopeMessage: false,
  sessionTokenMessage: 'The security token included in the request is invalid',
  expiredTokenError: () =>
    new SsmError('ExpiredTokenException', 'The security token included in the request is expired'),
};

/** A principal, and when it calls with a session token, the session it acts as. */
type CallerCredentials = Principal & { readonly sessionToken?: string; readonly expiration?: Date };

/**
 * The credentials an access key and session token name: the key's principal, or with a token that
 * `sessions` issued for the key, the principal acting as that session (its ARN, same permissions).
 */
const credentialsOf = (
  principals: PrincipalMap,
  sessions: SessionResolver | undefined,
  accessKeyId: string,
  sessionToken: string | undefined,
): CallerCredentials | undefined => {
  const principal = findPrincipal(principals, accessKeyId);
  if (principal === undefined || sessionToken === undefined) return principal;
  const session = sessions?.(accessKeyId, sessionToken);
  // No session: the principal carries no token, so verifySigV4 refuses the one presented.
  return session === undefined
    ? principal
    : { ...principal, arn: session.arn, sessionToken, expiration: session.expiration };
};

/**
 * Authenticates a request to the service in `serviceRegion`. `now` is the server's wall clock (not the
 * engine's injectable clock: clients sign with real time). `sessions` resolves session tokens; without it
 * every token is refused.
 * @throws SsmError MissingAuthenticationTokenException, IncompleteSignatureException,
 *   InvalidSignatureException, UnrecognizedClientException, ExpiredTokenException
 */
export const verifySignature = async (
  request: ReceivedRequest,
  principals: PrincipalMap,
  now: Date,
  serviceRegion: string,
  sessions?: SessionResolver,
): Promise<Caller> => {
  const { accessKeyId, identity, region } = await verifySigV4(
    request,
    { ...SSM, acceptsRegion: (region) => region === serviceRegion },
    (accessKeyId, sessionToken) => credentialsOf(principals, sessions, accessKeyId, sessionToken),
    now,
  );
  const { sessionToken: _token, expiration: _expiration, ...principal } = identity;
  return { accessKeyId, principal, region };
};
