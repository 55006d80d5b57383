/**
 * The local API: a plain HTTP server that turns each request into an API Gateway payload-2.0 event and
 * invokes the very handler module Lambda runs for that route (FUNCTION_ENTRIES, the CDK stack's table).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { FUNCTION_ENTRIES, type FunctionName } from '../lambda/routes';
import { toApiGatewayEvent } from './api-gateway-event';
import type { Invocation, InvocationReply, WorkerData } from './function-worker';
import { readBody } from './read-body';

export type LambdaHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;

/** A page that exists only under `npm start` (e.g. the local mailbox), answered from its query string. */
export type LocalPage = (query: URLSearchParams) => {
  status: number;
  headers: Record<string, string>;
  body: string;
};

export interface LocalApiOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /**
   * Each function's environment (its credentials stand for its IAM role). Every function runs the module
   * named in FUNCTION_ENTRIES in a worker thread of its own, with exactly this environment.
   */
  readonly functionEnvironments: Readonly<Record<FunctionName, Readonly<Record<string, string>>>>;
  /** API Gateway's own limit on an HTTP API request body. */
  readonly maxBodyBytes?: number;
  /** Local-only pages by path (`/_local/mailbox`): a GET to one, with any query, is answered before API routing. */
  readonly localPages?: Readonly<Record<string, LocalPage>>;
}

export interface LocalApi {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

const TEN_MEGABYTES = 10 * 1024 * 1024;
/** The deployed functions' timeout (lib/): what each invocation's getRemainingTimeInMillis counts down from. */
const FUNCTION_TIMEOUT_MS = 10_000;

export interface LocalFunction {
  readonly invoke: LambdaHandler;
  readonly stop: () => Promise<number>;
}

/** Starts one function's worker (tsx compiles the TypeScript there too) and waits until its module loaded. */
export const startFunction = async (
  name: string,
  { entry, handler }: { readonly entry: string; readonly handler: string },
  env: Readonly<Record<string, string>>,
): Promise<LocalFunction> => {
  // The worker compiles TypeScript with tsx's CommonJS hook, whether the parent runs under tsx or jest.
  const bootstrap = `require('tsx/cjs/api').register(); require(${JSON.stringify(path.join(__dirname, 'function-worker.ts'))});`;
  const worker = new Worker(bootstrap, {
    eval: true,
    env: { ...env },
    workerData: {
      functionName: `local-${name}`,
      entry,
      handler,
      timeoutMs: FUNCTION_TIMEOUT_MS,
    } satisfies WorkerData,
  });
  const pending = new Map<
    number,
    { resolve: (r: APIGatewayProxyResultV2) => void; reject: (e: Error) => void }
  >();
  let nextId = 0;
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`function ${name} exited with code ${code} while loading`)),
    );
    worker.once('message', () => resolve());
  });
  worker.removeAllListeners('exit');
  worker.on('message', (reply: InvocationReply) => {
    const waiting = pending.get(reply.id);
    pending.delete(reply.id);
    if ('error' in reply) waiting?.reject(new Error(`function ${name} failed: ${reply.error}`));
    else waiting?.resolve(reply.result);
  });
  worker.unref();
  return {
    invoke: (event) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, requestId: randomUUID(), event } satisfies Invocation);
      }),
    stop: () => worker.terminate(),
  };
};

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

export const startLocalApi = async (options: LocalApiOptions): Promise<LocalApi> => {
  const names = Object.keys(FUNCTION_ENTRIES) as FunctionName[];
  const functions = Object.fromEntries(
    await Promise.all(
      names.map(
        async (name) =>
          [
            name,
            await startFunction(name, FUNCTION_ENTRIES[name], options.functionEnvironments[name]),
          ] as const,
      ),
    ),
  ) as Record<FunctionName, LocalFunction>;
  const limit = options.maxBodyBytes ?? TEN_MEGABYTES;

  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request, limit);
      if (body === undefined) return gatewayError(response, 413, 'Request Entity Too Large');
      const { pathname, searchParams } = new URL(request.url ?? '/', 'http://localhost');
      const pages = options.localPages ?? {};
      if (request.method === 'GET' && Object.hasOwn(pages, pathname)) {
        const answer = (pages[pathname] as LocalPage)(searchParams);
        return send(response, answer.status, answer.headers, answer.body);
      }
      const routed = toApiGatewayEvent({
        method: request.method ?? 'GET',
        url: request.url ?? '/',
        rawHeaders: request.rawHeaders,
        body,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        now: new Date(),
      });
      if (!routed) return gatewayError(response, 404, 'Not Found');
      const result = await functions[routed.route.functionName].invoke(routed.event);
      writeResult(response, result);
    })().catch((error: unknown) => {
      // What API Gateway answers when the integration itself fails; the cause goes to the console.
      console.error('local API: handler failed', error);
      if (!response.headersSent) gatewayError(response, 500, 'Internal Server Error');
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    server,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      await Promise.all(Object.values(functions).map((fn) => fn.stop()));
    },
  };
};
