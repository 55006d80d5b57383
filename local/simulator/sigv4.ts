/**
 * SigV4 verification for the simulator, as SSM answers it: the shared checks of `local/sigv4/verify.ts`
 * (see there for their order and source), with signing name `ssm`, errors as `SsmError`s, and
 * `X-Amz-Date` or `Date` accepted in ISO-8601 basic format or RFC 7231 form.
 *
 * The scope's region must be the region the service runs in: AWS answers a request signed for another
 * region with InvalidSignatureException "Credential should be scoped to a valid region, not '<region>'. "
 * (as reported from several AWS JSON services; see the assumptions in docs/simulator.md).
 */
import { type ReceivedRequest, type SigV4Dialect, verifySigV4 } from '../sigv4/verify';
import { SsmError } from './errors';
import { findPrincipal, type Principal, type PrincipalMap } from './principals';

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
  clockSkewMessage: (kind, { date, now, limit }) =>
    kind === 'expired'
      ? `Signature expired: ${date} is now earlier than ${limit} (${now} - 15 min.)`
      : `Signature not yet current: ${date} is still later than ${limit} (${now} + 15 min.)`,
  trimsScopeMessage: false,
  sessionTokenMessage: 'The security token included in the request is invalid',
};

/**
 * Authenticates a request to the service in `serviceRegion`. `now` is the server's wall clock (not the
 * engine's injectable clock: clients sign with real time).
 * @throws SsmError MissingAuthenticationTokenException, IncompleteSignatureException,
 *   InvalidSignatureException, UnrecognizedClientException
 */
export const verifySignature = async (
  request: ReceivedRequest,
  principals: PrincipalMap,
  now: Date,
  serviceRegion: string,
): Promise<Caller> => {
  const { accessKeyId, identity, region } = await verifySigV4(
    request,
    { ...SSM, acceptsRegion: (region) => region === serviceRegion },
    (accessKeyId) => findPrincipal(principals, accessKeyId),
    now,
  );
  return { accessKeyId, principal: identity, region };
};
