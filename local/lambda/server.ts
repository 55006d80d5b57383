/**
 * The local Lambda Invoke API that `npm start` runs, so that a function can invoke a function (the Slack
 * function hands each decision to itself asynchronously, to answer Slack within its 3 s) exactly as in AWS:
 * the SDK reaches it through its own setting, `AWS_ENDPOINT_URL_LAMBDA=<url>`, and nothing in the handler
 * knows it is local.
 *
 * One operation, Invoke, on Lambda's wire protocol (REST-JSON, SigV4 with signing name `lambda`):
 * `POST /2015-03-31/functions/{FunctionName}/invocations[?Qualifier=…]`, the event as the body.
 * - `X-Amz-Invocation-Type: RequestResponse` (the default): runs the function, answers 200 with its result
 *   as JSON and `X-Amz-Executed-Version: $LATEST`; a function that failed answers 200 with
 *   `X-Amz-Function-Error: Unhandled` and `{errorType, errorMessage}`, as Lambda does.
 * - `Event`: answers 202 with an empty body at once; the event runs in the function's pool in the
 *   background. A failure is logged and NOT retried (Lambda retries twice by default): a retried decision
 *   would act on SSM twice, and the local twin shows the first failure where a developer looks.
 * - `DryRun`: 204 after the checks, nothing runs.
 * Every request is SigV4-verified against the calling function's local credentials, and the caller may
 * invoke only the functions its role may (`lambda:InvokeFunction` in the stack): AccessDeniedException
 * otherwise. An unknown function (or a qualifier other than `$LATEST`) is ResourceNotFoundException (404).
 * `X-Amz-Log-Type: Tail` is accepted, but no `X-Amz-Log-Result` comes back: the instances' log lines go
 * to the console instead.
 */
import { randomUUID } from 'node:crypto';
import { FunctionError, TooManyRequestsException } from '../function-pool';
import { startLocalEndpoint } from '../http-endpoint';
import { type ReceivedRequest, verifySigV4 } from '../sigv4/verify';
import { LOCAL_ACCOUNT_ID } from '../simulator';
import { errorResponse, LambdaError, type LambdaResponse } from './errors';
import { LAMBDA_SIGV4 } from './signature';

export interface LambdaCaller {
  readonly secretAccessKey: string;
  /** Who the caller is (its role's session ARN), as an AccessDeniedException names it. */
  readonly arn: string;
  /** The names of the functions its role may invoke; `*` for any. */
  readonly mayInvoke: readonly string[];
}

/** Runs one invocation of a function with `event`; resolves with its result. */
export type LocalInvoke = (event: unknown) => Promise<unknown>;

export interface LocalLambdaOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  /** The callers, by access key id. */
  readonly callers: Readonly<Record<string, LambdaCaller>>;
  /**
   * The function of that name, or undefined when there is none. Looked up on each request, so the
   * functions may start after this server (their environment names its URL).
   */
  readonly functions: (name: string) => LocalInvoke | undefined;
  /** Where a failed asynchronous invocation is reported. @default console.error */
  readonly onAsyncError?: (functionName: string, error: unknown) => void;
}

export interface LocalLambda {
  readonly url: string;
  /** Resolves once every asynchronous invocation so far has finished (tests wait on this). */
  idle(): Promise<void>;
  /** Stops listening and closes every connection; asynchronous invocations still running are not reported. */
  close(): Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
/** Lambda's payload limits: 6 MB for a synchronous invocation, 1 MB for an asynchronous one. */
const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
const MAX_ASYNC_PAYLOAD_BYTES = 1024 * 1024;
const INVOCATION_TYPES = ['Event', 'RequestResponse', 'DryRun'] as const;
type InvocationType = (typeof INVOCATION_TYPES)[number];
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** `name`, `name:qualifier`, `account:function:name[:qualifier]` or the whole ARN, as Lambda accepts them. */
const FUNCTION_REFERENCE =
  /^(?:(?:arn:aws[a-z-]*:lambda:([a-z0-9-]+):)?(\d{12}):function:)?([A-Za-z0-9_-]{1,64})(?::([A-Za-z0-9$_-]{1,128}))?$/;

const functionArn = (region: string, name: string, qualifier?: string): string =>
  `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${name}${qualifier ? `:${qualifier}` : ''}`;

/** The function a reference names, or why there is none. */
const resolveFunction = (
  reference: string,
  qualifierParameter: string | undefined,
  region: string,
): { name: string; arn: string; qualifier?: string } => {
  const match = FUNCTION_REFERENCE.exec(reference);
  if (!match) {
    throw new LambdaError(
      'InvalidParameterValueException',
      `1 validation error detected: Value '${reference}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`,
    );
  }
  const [, arnRegion, account, name = '', suffix] = match;
  if (suffix !== undefined && qualifierParameter !== undefined && suffix !== qualifierParameter) {
    throw new LambdaError(
      'InvalidParameterValueException',
      'The derived qualifier from the function name does not match the specified qualifier.',
    );
  }
  const qualifier = suffix ?? qualifierParameter;
  const arn = functionArn(arnRegion ?? region, name, qualifier);
  const elsewhere =
    (account !== undefined && account !== LOCAL_ACCOUNT_ID) ||
    (arnRegion !== undefined && arnRegion !== region);
  if (elsewhere || !FUNCTION_NAME.test(name) || (qualifier !== undefined && qualifier !== '$LATEST')) {
    throw new LambdaError('ResourceNotFoundException', `Function not found: ${arn}`);
  }
  return { name, arn, ...(qualifier ? { qualifier } : {}) };
};

const tooLarge = (limit: number): LambdaError =>
  new LambdaError(
    'RequestTooLargeException',
    `Request must be smaller than ${limit} bytes for the InvokeFunction operation`,
  );

const invocationTypeOf = (header: string | undefined): InvocationType => {
  const value = header ?? 'RequestResponse';
  if ((INVOCATION_TYPES as readonly string[]).includes(value)) return value as InvocationType;
  throw new LambdaError(
    'InvalidParameterValueException',
    `1 validation error detected: Value '${value}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
  );
};

/**
 * The event the body holds. An empty body is the event `{}` (an assumption: Lambda does not document what
 * a function receives then; the console and CLI send `{}` when given nothing).
 */
const parseEvent = (body: Buffer): unknown => {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    // Lambda's own text goes on with its JSON parser's (Jackson's) diagnosis, which V8 cannot reproduce.
    throw new LambdaError(
      'InvalidRequestContentException',
      'Could not parse request body into json: Could not parse payload into json: the payload is not valid JSON.',
    );
  }
};

/** `Error: boom` (how the worker reports a thrown error) → `{errorType: 'Error', errorMessage: 'boom'}`. */
const functionErrorBody = (error: FunctionError): { errorType: string; errorMessage: string } => {
  if (error.errorType !== 'Unhandled') return { errorType: error.errorType, errorMessage: error.message };
  const match = /^([A-Za-z_$][\w$.]*): ([\s\S]*)$/.exec(error.message);
  return match
    ? { errorType: match[1] as string, errorMessage: match[2] as string }
    : { errorType: 'Error', errorMessage: error.message };
};

interface Dependencies extends LocalLambdaOptions {
  readonly runAsync: (name: string, invoke: LocalInvoke, event: unknown) => void;
}

const invoke = async (request: ReceivedRequest, deps: Dependencies): Promise<LambdaResponse> => {
  const requestId = randomUUID();
  try {
    const { pathname, searchParams } = new URL(request.url, 'http://localhost');
    const path = INVOKE_PATH.exec(pathname);
    if (request.method !== 'POST' || !path) {
      // What Lambda's front end answers for a path it has no operation at.
      throw new LambdaError(
        'ResourceNotFoundException',
        `Nothing at ${request.method} ${pathname}: the local Lambda serves only Invoke (POST /2015-03-31/functions/{FunctionName}/invocations).`,
      );
    }
    const caller = await verifySigV4(
      request,
      LAMBDA_SIGV4,
      (accessKeyId) => (Object.hasOwn(deps.callers, accessKeyId) ? deps.callers[accessKeyId] : undefined),
      new Date(),
    );
    const target = resolveFunction(
      decodeURIComponent(path[1] as string),
      searchParams.get('Qualifier') ?? undefined,
      caller.region,
    );
    const { mayInvoke, arn: callerArn } = caller.identity;
    if (!mayInvoke.includes('*') && !mayInvoke.includes(target.name)) {
      throw new LambdaError(
        'AccessDeniedException',
        `User: ${callerArn} is not authorized to perform: lambda:InvokeFunction on resource: ${target.arn} because no identity-based policy allows the lambda:InvokeFunction action`,
      );
    }
    const run = deps.functions(target.name);
    if (!run) throw new LambdaError('ResourceNotFoundException', `Function not found: ${target.arn}`);
    const type = invocationTypeOf(request.headers['x-amz-invocation-type']);
    const limit = type === 'Event' ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES;
    if (request.body.length > limit) {
      throw tooLarge(limit);
    }
    const event = parseEvent(Buffer.from(request.body));
    const headers = { 'x-amzn-RequestId': requestId };
    if (type === 'DryRun') return { status: 204, headers, body: '' };
    if (type === 'Event') {
      deps.runAsync(target.name, run, event);
      return { status: 202, headers, body: '' };
    }
    const answer = { ...headers, 'content-type': 'application/json', 'X-Amz-Executed-Version': '$LATEST' };
    try {
      const result = await run(event);
      return { status: 200, headers: answer, body: JSON.stringify(result ?? null) };
    } catch (error) {
      if (error instanceof TooManyRequestsException) {
        throw new LambdaError('TooManyRequestsException', error.message, { Reason: error.reason });
      }
      if (!(error instanceof FunctionError)) throw error;
      return {
        status: 200,
        headers: { ...answer, 'X-Amz-Function-Error': 'Unhandled' },
        body: JSON.stringify(functionErrorBody(error)),
      };
    }
  } catch (error) {
    if (error instanceof LambdaError) return errorResponse(requestId, error);
    console.error('local Lambda: request failed', error);
    return errorResponse(requestId, new LambdaError('ServiceException', 'An internal error occurred.'));
  }
};

/** Starts the Invoke API; resolves once it listens. */
export const startLocalLambda = async (options: LocalLambdaOptions): Promise<LocalLambda> => {
  const inFlight = new Set<Promise<void>>();
  let closed = false;
  const onAsyncError =
    options.onAsyncError ??
    ((name: string, error: unknown) =>
      console.error(`local Lambda: the asynchronous invocation of ${name} failed (not retried):`, error));
  const deps: Dependencies = {
    ...options,
    runAsync: (name, run, event) => {
      const done = run(event)
        .then(
          () => undefined,
          (error: unknown) => {
            if (!closed) onAsyncError(name, error);
          },
        )
        .finally(() => inFlight.delete(done));
      inFlight.add(done);
    },
  };
  const endpoint = await startLocalEndpoint({
    host: options.host,
    port: options.port,
    maxBodyBytes: MAX_SYNC_PAYLOAD_BYTES,
    tooLarge: () => errorResponse(randomUUID(), tooLarge(MAX_SYNC_PAYLOAD_BYTES)),
    handle: (request) => invoke(request, deps),
  });
  return {
    url: endpoint.url,
    idle: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    close: () => {
      closed = true;
      return endpoint.close();
    },
  };
};
