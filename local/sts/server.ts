/**
 * The local STS that `npm start` runs, so that the functions can take an approver seat exactly as in AWS:
 * they call AssumeRole through @aws-sdk/client-sts, which reaches this server through its own setting,
 * `AWS_ENDPOINT_URL_STS=<url>`; nothing in the handlers knows it is local.
 *
 * One operation, AssumeRole, on STS's wire protocol (awsQuery, version 2011-06-15, SigV4 with signing
 * name `sts`): `POST /` with the form `Action=AssumeRole&Version=2011-06-15&RoleArn=…&RoleSessionName=…
 * [&DurationSeconds=…]` (or the same as a GET query string, which STS also takes), answered with STS's
 * XML. Every request is SigV4-verified against the callers' local credentials; a role may be assumed only
 * by the callers its trust names (AccessDenied, 403, otherwise). Errors are STS's XML `ErrorResponse`.
 * See `assume-role.ts` for what the local roles' credentials are and how they differ from real STS's.
 */
import { randomUUID } from 'node:crypto';
import { startLocalEndpoint } from '../http-endpoint';
import { type ReceivedRequest, verifySigV4 } from '../sigv4/verify';
import {
  assumeRole,
  assumeRoleResponseXml,
  type IssuedSession,
  parseAssumeRole,
  type StsCaller,
  type StsRole,
} from './assume-role';
import { errorResponse, StsError, type StsResponse, xmlResponse } from './errors';
import { STS_SIGV4 } from './signature';

export type { IssuedSession, StsCaller, StsRole } from './assume-role';

export interface LocalStsOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  /** Who may call, by access key id. */
  readonly callers: Readonly<Record<string, StsCaller>>;
  /** The roles that may be assumed, by role ARN. */
  readonly roles: Readonly<Record<string, StsRole>>;
  /** The clock that stamps expirations (signatures are always checked against the wall clock). */
  readonly now?: () => Date;
}

export interface LocalSts {
  readonly url: string;
  /** Every session issued so far, oldest first. */
  sessions(): readonly IssuedSession[];
  /** The session a token belongs to, while it has not expired (for a stand-in that accepts session tokens). */
  sessionOf(sessionToken: string): IssuedSession | undefined;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/** STS's one API version. */
export const STS_VERSION = '2011-06-15';
/** Larger bodies are refused with 413 (an AssumeRole form is a few hundred bytes). */
const MAX_BODY_BYTES = 64 * 1024;

/** The request's parameters: the query string's, then the form body's (as STS reads both). */
const parametersOf = (request: ReceivedRequest): URLSearchParams => {
  const parameters = new URLSearchParams(new URL(request.url, 'http://localhost').search);
  if ((request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(Buffer.from(request.body).toString('utf8'))) {
      parameters.append(key, value);
    }
  }
  return parameters;
};

interface Dependencies extends LocalStsOptions {
  readonly issue: (session: IssuedSession) => void;
}

const handle = async (request: ReceivedRequest, deps: Dependencies): Promise<StsResponse> => {
  const requestId = randomUUID();
  try {
    const { pathname } = new URL(request.url, 'http://localhost');
    if ((request.method !== 'POST' && request.method !== 'GET') || pathname !== '/') {
      throw new StsError(
        'InvalidAction',
        `Nothing at ${request.method} ${pathname}: the local STS serves only AssumeRole (POST /).`,
      );
    }
    const caller = await verifySigV4(
      request,
      STS_SIGV4,
      (accessKeyId) => (Object.hasOwn(deps.callers, accessKeyId) ? deps.callers[accessKeyId] : undefined),
      new Date(),
    );
    const parameters = parametersOf(request);
    const action = parameters.get('Action');
    if (!action) throw new StsError('MissingAction', 'Missing Action');
    if (action !== 'AssumeRole' || parameters.get('Version') !== STS_VERSION) {
      throw new StsError(
        'InvalidAction',
        `Could not find operation ${action} for version ${parameters.get('Version') ?? 'NO_VERSION_SPECIFIED'}: the local STS serves only AssumeRole (${STS_VERSION}).`,
      );
    }
    const session = assumeRole(
      parseAssumeRole(parameters),
      caller,
      deps.roles,
      (deps.now ?? (() => new Date()))(),
    );
    deps.issue(session);
    const role = deps.roles[session.roleArn] as StsRole;
    return xmlResponse(
      requestId,
      200,
      assumeRoleResponseXml(session, role.credentials.secretAccessKey, requestId),
    );
  } catch (error) {
    if (error instanceof StsError) return errorResponse(requestId, error);
    console.error('local STS: request failed', error);
    return errorResponse(requestId, new StsError('InternalFailure', 'An internal error occurred.'));
  }
};

/** Starts the endpoint; resolves once it listens. */
export const startLocalSts = async (options: LocalStsOptions): Promise<LocalSts> => {
  const issued: IssuedSession[] = [];
  const deps: Dependencies = { ...options, issue: (session) => issued.push(Object.freeze(session)) };
  const endpoint = await startLocalEndpoint({
    host: options.host,
    port: options.port,
    maxBodyBytes: MAX_BODY_BYTES,
    handle: (request) => handle(request, deps),
  });
  return {
    url: endpoint.url,
    sessions: () => [...issued],
    sessionOf: (sessionToken) => {
      const now = (options.now ?? (() => new Date()))();
      return issued.find(
        (session) => session.sessionToken === sessionToken && session.expiration.getTime() > now.getTime(),
      );
    },
    close: endpoint.close,
  };
};
