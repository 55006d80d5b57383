/**
 * The local API: a plain HTTP server that turns each request into an API Gateway payload-2.0 event and
 * invokes the very handler module Lambda runs for that route (FUNCTION_ENTRIES, the CDK stack's table).
 * Each function is a pool of instances that take one invocation at a time (function-pool.ts). Where the
 * integration fails, the server answers what an HTTP API answers:
 * - the function failed (threw, timed out, its runtime exited) or Lambda throttled it: 500
 *   `{"message":"Internal Server Error"}`;
 * - no answer within the integration timeout (30 s, also while waiting for a free instance): 503
 *   `{"message":"Service Unavailable"}`;
 * - no route: 404 `{"message":"Not Found"}`; a body over 10 MB: 413 `{"message":"Request Entity Too Large"}`.
 * Every answer carries API Gateway's `apigw-requestid` header, the event's `requestContext.requestId`.
 *
 * Local-only pages (`localPages`, GET) and routes (`localRoutes`, any method: the Slack channel page's
 * buttons) are answered before API routing, without that header: they are not API Gateway's.
 *
 * The server listens before the functions start, so that their environments may name its URL (the
 * notifier configuration the Slack function reads holds the API's URL for its links); a request that
 * arrives meanwhile waits for them.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { FUNCTION_ENTRIES, type FunctionName } from '../lambda/routes';
import { apiGatewayRequestId, toApiGatewayEvent } from './api-gateway-event';
import {
  type FunctionCode,
  type FunctionPool,
  type FunctionPoolOptions,
  startFunctionPool,
} from './function-pool';
import { readBody } from './read-body';
import { headersOf, type LocalRoute } from './slack/local-route';

/** A page that exists only under `npm start` (e.g. the local mailbox), answered from its query string. */
export type LocalPage = (query: URLSearchParams) => {
  status: number;
  headers: Record<string, string>;
  body: string;
};

/** Each function's environment, by function name. */
export type FunctionEnvironments = Readonly<Record<FunctionName, Readonly<Record<string, string>>>>;

export interface LocalApiOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /**
   * Each function's environment (its credentials stand for its IAM role). Every function runs the module
   * named in FUNCTION_ENTRIES in worker threads of its own, with exactly this environment. Given as a
   * function, it is called with the API's URL once the server listens (port 0 is only known then).
   */
  readonly functionEnvironments: FunctionEnvironments | ((apiUrl: string) => FunctionEnvironments);
  /** API Gateway's own limit on an HTTP API request body. */
  readonly maxBodyBytes?: number;
  /** Local-only pages by path (`/_local/mailbox`): a GET to one, with any query, is answered before API routing. */
  readonly localPages?: Readonly<Record<string, LocalPage>>;
  /**
   * Local-only routes by exact path (`/_local/slack/click`): a request to one, with any method and query, is
   * answered before API routing (and before `localPages`), with the body the server already read.
   */
  readonly localRoutes?: Readonly<Record<string, LocalRoute>>;
  /**
   * Instances each function runs at once, at most; see FunctionPoolOptions.maxInstances.
   * @default DEFAULT_MAX_INSTANCES
   */
  readonly maxInstancesPerFunction?: number;
  /** When all of a function's instances are busy; see FunctionPoolOptions.overflow. @default 'queue' */
  readonly overflow?: FunctionPoolOptions['overflow'];
  /** @default FUNCTION_TIMEOUT_MS */
  readonly functionTimeoutMs?: number;
  /** @default INTEGRATION_TIMEOUT_MS */
  readonly integrationTimeoutMs?: number;
  /**
   * Other code for some functions (tests put a handler of their own behind a route).
   * @default FUNCTION_ENTRIES
   */
  readonly functionCode?: Readonly<Partial<Record<FunctionName, FunctionCode>>>;
  /** Where each function instance's log lines go; see FunctionPoolOptions.onLog. @default this process's stdout */
  readonly onLog?: FunctionPoolOptions['onLog'];
}

export interface LocalApi {
  readonly url: string;
  readonly server: Server;
  /** Each function's pool (tests read their stats). */
  readonly functions: Readonly<Record<FunctionName, FunctionPool>>;
  /**
   * Invokes a function with any event, not only an API Gateway one (the local Lambda Invoke API uses this
   * for the Slack function's asynchronous invocation of itself); resolves with its result.
   */
  invoke(functionName: FunctionName, event: unknown): Promise<unknown>;
  close(): Promise<void>;
}

const TEN_MEGABYTES = 10 * 1024 * 1024;
/** The deployed functions' timeout (lib/webhook-function.ts). */
export const FUNCTION_TIMEOUT_MS = 10_000;
/** An HTTP API's integration timeout: 30 s, its maximum and default. */
export const INTEGRATION_TIMEOUT_MS = 30_000;

const send = (
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer,
) => {
  response.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
  response.end(body);
};

/** API Gateway's answers when no route matches, or the integration fails. */
const gatewayError = (response: ServerResponse, status: number, message: string) =>
  send(response, status, { 'content-type': 'application/json' }, JSON.stringify({ message }));

const writeResult = (response: ServerResponse, result: APIGatewayProxyResultV2) => {
  if (typeof result === 'string' || result === undefined || result === null || !('statusCode' in result)) {
    // Payload 2.0: a result without statusCode is the JSON body of a 200.
    send(response, 200, { 'content-type': 'application/json' }, JSON.stringify(result));
    return;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  if (result.cookies?.length) response.setHeader('set-cookie', result.cookies);
  const body = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? '');
  send(response, result.statusCode ?? 200, headers, body);
};

const INTEGRATION_TIMED_OUT = Symbol('integration timed out');

/** The invocation's result, or INTEGRATION_TIMED_OUT when API Gateway would have stopped waiting. */
const withinIntegrationTimeout = async <T>(
  invocation: Promise<T>,
  timeoutMs: number,
): Promise<T | typeof INTEGRATION_TIMED_OUT> => {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<typeof INTEGRATION_TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(INTEGRATION_TIMED_OUT), timeoutMs);
  });
  try {
    // The invocation runs on when API Gateway gives up, as a Lambda function does.
    return await Promise.race([invocation, timedOut]);
  } finally {
    clearTimeout(timer);
  }
};

/** Starts every function's pool; if one cannot start, stops those that did and rejects with its error. */
const startFunctions = async (
  options: LocalApiOptions,
  environments: FunctionEnvironments,
): Promise<Record<FunctionName, FunctionPool>> => {
  const names = Object.keys(FUNCTION_ENTRIES) as FunctionName[];
  const started = await Promise.allSettled(
    names.map((name) =>
      startFunctionPool({
        functionName: `local-${name}`,
        code: options.functionCode?.[name] ?? FUNCTION_ENTRIES[name],
        environment: environments[name],
        timeoutMs: options.functionTimeoutMs ?? FUNCTION_TIMEOUT_MS,
        ...(options.maxInstancesPerFunction === undefined
          ? {}
          : { maxInstances: options.maxInstancesPerFunction }),
        ...(options.overflow ? { overflow: options.overflow } : {}),
        ...(options.onLog ? { onLog: options.onLog } : {}),
      }),
    ),
  );
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((result) => (result.status === 'fulfilled' ? result.value.close() : 0)));
    throw failed.reason;
  }
  return Object.fromEntries(
    names.map((name, i) => [name, (started[i] as PromiseFulfilledResult<FunctionPool>).value]),
  ) as Record<FunctionName, FunctionPool>;
};

export const startLocalApi = async (options: LocalApiOptions): Promise<LocalApi> => {
  const limit = options.maxBodyBytes ?? TEN_MEGABYTES;
  const integrationTimeoutMs = options.integrationTimeoutMs ?? INTEGRATION_TIMEOUT_MS;
  const pages = options.localPages ?? {};
  const routes = options.localRoutes ?? {};
  // Settled once the functions run (or failed to start, when no request is answered anyway).
  let functionsStarted: (functions: Record<FunctionName, FunctionPool>) => void = () => undefined;
  const functionsReady = new Promise<Record<FunctionName, FunctionPool>>((resolve) => {
    functionsStarted = resolve;
  });

  const server = createServer((request, response) => {
    const requestId = apiGatewayRequestId();
    response.setHeader('apigw-requestid', requestId);
    void (async () => {
      const body = await readBody(request, limit);
      if (body === undefined) return gatewayError(response, 413, 'Request Entity Too Large');
      const { pathname, searchParams } = new URL(request.url ?? '/', 'http://localhost');
      if (Object.hasOwn(routes, pathname)) {
        const answer = await (routes[pathname] as LocalRoute)({
          method: request.method ?? 'GET',
          path: pathname,
          query: searchParams,
          headers: headersOf(request),
          body,
        });
        response.removeHeader('apigw-requestid'); // not API Gateway's route
        return send(response, answer.status, answer.headers, answer.body);
      }
      if (request.method === 'GET' && Object.hasOwn(pages, pathname)) {
        const answer = (pages[pathname] as LocalPage)(searchParams);
        response.removeHeader('apigw-requestid'); // not API Gateway's page
        return send(response, answer.status, answer.headers, answer.body);
      }
      const routed = toApiGatewayEvent({
        method: request.method ?? 'GET',
        url: request.url ?? '/',
        rawHeaders: request.rawHeaders,
        body,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        now: new Date(),
        requestId,
        protocol: 'http',
        port: request.socket.localPort ?? 80,
      });
      if (!routed) return gatewayError(response, 404, 'Not Found');
      const functions = await functionsReady;
      const result = await withinIntegrationTimeout(
        functions[routed.route.functionName].invoke(routed.event),
        integrationTimeoutMs,
      );
      if (result === INTEGRATION_TIMED_OUT) return gatewayError(response, 503, 'Service Unavailable');
      writeResult(response, result as APIGatewayProxyResultV2);
    })().catch((error: unknown) => {
      // What an HTTP API answers when the function fails or Lambda throttles it; the cause goes to the console.
      console.error(`local API: ${requestId}:`, error);
      if (!response.headersSent) gatewayError(response, 500, 'Internal Server Error');
    });
  });
  const closeServer = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address}:${port}`;
  let functions: Record<FunctionName, FunctionPool>;
  try {
    const environments =
      typeof options.functionEnvironments === 'function'
        ? options.functionEnvironments(url)
        : options.functionEnvironments;
    functions = await startFunctions(options, environments);
  } catch (error) {
    await closeServer();
    throw error;
  }
  functionsStarted(functions);
  return {
    url,
    server,
    functions,
    invoke: (name, event) => functions[name].invoke(event),
    close: async () => {
      await closeServer();
      await Promise.all(Object.values(functions).map((fn) => fn.close()));
    },
  };
};
