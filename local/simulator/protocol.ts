/**
 * SSM's wire protocol (AWS JSON 1.1): `POST /`, `Content-Type: application/x-amz-json-1.1`,
 * `X-Amz-Target: AmazonSSM.<Operation>`, SigV4, JSON bodies, timestamps as epoch seconds, errors as
 * `{"__type": "<ErrorName>", "Message"|"message": "..."}` with `x-amzn-ErrorType`, and
 * `x-amzn-RequestId` on every response. Independent of Node's http module: a received request in,
 * a response out.
 *
 * Request checks run in the order observed from AWS JSON services (see sigv4.ts for the source):
 * method/content type → JSON syntax → X-Amz-Target → authentication → body present → JSON types →
 * constraints → authorisation → the operation.
 */
import { randomUUID } from 'node:crypto';
import type { AutomationEngine } from './engine';
import { isSsmError, SsmError } from './errors';
import { isOperationName, OPERATIONS } from './operations';
import { isAllowed, type PrincipalMap } from './principals';
import { type ReceivedRequest, type SessionResolver, verifySignature } from './sigv4';
import { checkConstraints, checkTypes } from './validation';

export interface WireResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface ProtocolDependencies {
  readonly engine: AutomationEngine;
  readonly principals: PrincipalMap;
  /** Resolves session tokens (asked on each request); without it every session token is refused. */
  readonly sessions?: SessionResolver;
  /** Wall clock for signature dates. @default () => new Date() */
  readonly now?: () => Date;
  /** Called with errors that are not SSM errors (bugs); they are answered with InternalServerError. */
  readonly onInternalError?: (error: unknown) => void;
}

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
const TARGET_PREFIX = 'AmazonSSM.';
/**
 * Media types the service takes a JSON body in. Assumption: like DynamoDB (observed to take its own
 * x-amz-json type and application/json), SSM takes x-amz-json-1.1 and application/json; parameters
 * such as charset are ignored.
 */
const ACCEPTED_MEDIA_TYPES: ReadonlySet<string> = new Set([JSON_CONTENT_TYPE, 'application/json']);

/** Dates become epoch seconds (with milliseconds as the fraction), as AWS JSON protocols send them. */
export const toWire = (value: unknown): unknown => {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, toWire(v)]),
    );
  }
  return value;
};

/** The framework treats a JSON null member as an absent one. */
const withoutNulls = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, withoutNulls(v)]),
    );
  }
  return value;
};

const respond = (requestId: string, status: number, body: unknown): WireResponse => ({
  status,
  headers: { 'Content-Type': JSON_CONTENT_TYPE, 'x-amzn-RequestId': requestId },
  body: JSON.stringify(toWire(body)),
});

export const errorResponse = (requestId: string, error: SsmError): WireResponse => ({
  status: error.httpStatus,
  headers: {
    'Content-Type': JSON_CONTENT_TYPE,
    'x-amzn-RequestId': requestId,
    'x-amzn-ErrorType': error.code,
  },
  body: JSON.stringify({
    __type: error.code,
    ...(error.message ? { [error.messageMember]: error.message } : {}),
  }),
});

/**
 * A request that is not a POST, or has a body in a media type the service does not take, is
 * answered 404 with an XML-ish `<UnknownOperationException/>` (as observed from AWS JSON services).
 */
const unknownOperation404 = (requestId: string): WireResponse => ({
  status: 404,
  headers: { 'x-amzn-RequestId': requestId },
  body: '<UnknownOperationException/>\n',
});

const mediaType = (contentType: string | undefined): string =>
  (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

const parseBody = (body: Uint8Array): unknown => {
  try {
    return JSON.parse(Buffer.from(body).toString('utf8'));
  } catch (cause) {
    // Observed: AWS answers a body that is not JSON with a SerializationException without a message.
    throw new SsmError('SerializationException', '', { cause });
  }
};

const handle = async (request: ReceivedRequest, deps: ProtocolDependencies): Promise<unknown> => {
  const parsed = request.body.length > 0 ? parseBody(request.body) : undefined;
  const target = request.headers['x-amz-target'] ?? '';
  const operationName = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
  // Observed: an unknown or missing target is a 400 UnknownOperationException without a message.
  if (!isOperationName(operationName)) throw new SsmError('UnknownOperationException');
  const operation = OPERATIONS[operationName];
  const caller = await verifySignature(
    request,
    deps.principals,
    (deps.now ?? (() => new Date()))(),
    deps.engine.region,
    deps.sessions,
  );
  if (parsed === undefined || parsed === null) throw new SsmError('SerializationException');
  checkTypes(operation.input, parsed);
  const input = withoutNulls(parsed) as Record<string, unknown>;
  checkConstraints(operation.input, input);
  if (!isAllowed(caller.principal, operation.action)) {
    const resource = operation.resource(input, deps.engine.region, deps.engine.accountId);
    throw new SsmError(
      'AccessDeniedException',
      `User: ${caller.principal.arn} is not authorized to perform: ${operation.action} on resource: ${resource} because no identity-based policy allows the ${operation.action} action`,
    );
  }
  return operation.run(deps.engine, caller.principal.arn, input);
};

/** Answers one request. Never throws. */
export const handleRequest = async (
  request: ReceivedRequest,
  deps: ProtocolDependencies,
): Promise<WireResponse> => {
  const requestId = randomUUID();
  if (request.method !== 'POST') return unknownOperation404(requestId);
  if (request.body.length > 0 && !ACCEPTED_MEDIA_TYPES.has(mediaType(request.headers['content-type']))) {
    return unknownOperation404(requestId);
  }
  try {
    return respond(requestId, 200, await handle(request, deps));
  } catch (error) {
    if (isSsmError(error)) return errorResponse(requestId, error);
    deps.onInternalError?.(error);
    return errorResponse(
      requestId,
      new SsmError('InternalServerError', 'An internal error occurred.', { cause: error }),
    );
  }
};
