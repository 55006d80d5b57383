/**
 * A small HTTP proxy on 127.0.0.1 in front of the SSM simulator, for testing what the webhook answers
 * when SSM's answer goes wrong. Point the SDK at `proxy.url` (AWS_ENDPOINT_URL_SSM); every request passes
 * through unchanged (SigV4 signs the Host header, so headers are forwarded verbatim) unless a rule matches
 * its `X-Amz-Target`. The faults:
 *
 * - `pass`: forward and answer (the default).
 * - `frozen`: read the request, never forward it, never answer (the connection stays open until the
 *   proxy closes): a server that took the request and hangs. Nothing is applied.
 * - `blackhole`: never forward, never answer, and stop reading the connection (the socket is paused):
 *   no byte, FIN or RST ever comes back. A listening Node socket cannot drop SYNs (the kernel completes
 *   the handshake), and the operation is only known from the request's headers, so this is as close to
 *   a host that silently drops packets as a per-request rule gets. For SSM's small bodies the SDK
 *   cannot tell it from `frozen`: both are "sent, never answered". Nothing is applied.
 * - `slow(ms)`: forward (the change is applied), then hold the answer for `ms`.
 * - `lostAfterApply`: forward (applied), then reset the client's connection without answering.
 * - `status5xxAfterApply(code)`: forward (applied), then answer `code` with SSM's error body for
 *   InternalServerError instead of the real answer.
 *
 * A rule can be limited to its first `times` matching requests (`once` = 1; the rest pass, which matters
 * because the SDK retries) and to requests whose body contains a string (an execution id), so that
 * cases can run side by side through one proxy. The proxy counts requests per target.
 */
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  | { readonly kind: 'pass' }
  | { readonly kind: 'frozen' }
  | { readonly kind: 'blackhole' }
  | { readonly kind: 'slow'; readonly ms: number }
  | { readonly kind: 'lostAfterApply' }
  | { readonly kind: 'status5xxAfterApply'; readonly status: 500 | 503 };

export const faults = {
  pass: { kind: 'pass' },
  frozen: { kind: 'frozen' },
  blackhole: { kind: 'blackhole' },
  slow: (ms: number): Fault => ({ kind: 'slow', ms }),
  lostAfterApply: { kind: 'lostAfterApply' },
  status5xxAfterApply: (status: 500 | 503 = 500): Fault => ({ kind: 'status5xxAfterApply', status }),
} as const satisfies Record<string, Fault | ((...args: never[]) => Fault)>;

export interface RuleOptions {
  /** Fault only the first `times` matching requests; later ones pass. @default every one */
  readonly times?: number;
  /** Match only requests whose body contains this string (e.g. an execution id). */
  readonly bodyIncludes?: string;
}

export interface Rule {
  /** Matching requests seen so far (faulted or, once `times` is used up, passed). */
  readonly hits: number;
  /** Matching requests that were faulted. */
  readonly faulted: number;
  remove(): void;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /**
   * Faults requests whose X-Amz-Target is `target` (e.g. `AmazonSSM.SendAutomationSignal`). When several
   * rules match a request, the newest one with faults left decides.
   */
  set(target: string, fault: Fault, options?: RuleOptions): Rule;
  /** `set` with `times: 1`. */
  once(target: string, fault: Fault, options?: Omit<RuleOptions, 'times'>): Rule;
  /** Removes every rule and resets the counts. */
  reset(): void;
  /** Requests received with this X-Amz-Target, whatever happened to them. */
  count(target: string): number;
  close(): Promise<void>;
}

interface LiveRule {
  readonly target: string;
  readonly fault: Fault;
  readonly times: number;
  readonly bodyIncludes: string | undefined;
  hits: number;
  faulted: number;
}

interface Upstream {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);

const readAll = (stream: NodeJS.ReadableStream): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });

export const startFaultProxy = async (upstreamUrl: string): Promise<FaultProxy> => {
  const upstream = new URL(upstreamUrl);
  const agent = new Agent({ keepAlive: true });
  let rules: LiveRule[] = [];
  const counts = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();

  const matches = (rule: LiveRule, target: string, body: string | undefined): boolean =>
    rule.target === target && (rule.bodyIncludes === undefined || body?.includes(rule.bodyIncludes) === true);

  /** The newest matching rule with faults left (a body filter never matches an unread body). */
  const choose = (target: string, body: string | undefined): LiveRule | undefined =>
    rules.findLast((rule) => rule.faulted < rule.times && matches(rule, target, body));

  const forward = (request: IncomingMessage, body: Buffer): Promise<Upstream> =>
    new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        upstream,
        { method: request.method, path: request.url, headers: request.headers, agent },
        (response) => {
          readAll(response).then(
            (answer) =>
              resolve({
                status: response.statusCode ?? 502,
                headers: response.headers as Record<string, string | string[]>,
                body: answer,
              }),
            reject,
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  const answer = (response: ServerResponse, { status, headers, body }: Upstream) => {
    if (response.destroyed) return;
    const kept = Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
    response.writeHead(status, { ...kept, 'content-length': String(body.length) });
    response.end(body);
  };

  const serverError = (status: number): Upstream => ({
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'fault-proxy' },
    body: Buffer.from(
      JSON.stringify({ __type: 'InternalServerError', message: `fault proxy: ${status} after applying` }),
    ),
  });

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    response.on('error', () => undefined); // an answer to a client that already gave up
    const target = String(request.headers['x-amz-target'] ?? '');
    counts.set(target, (counts.get(target) ?? 0) + 1);
    const needsBody = rules.some((rule) => rule.target === target && rule.bodyIncludes !== undefined);
    // A black hole decided from the headers alone reads nothing more from the connection.
    const early = needsBody ? undefined : choose(target, undefined);
    const body = early?.fault.kind === 'blackhole' ? Buffer.alloc(0) : await readAll(request);
    const text = early?.fault.kind === 'blackhole' ? undefined : body.toString('utf8');
    for (const rule of rules) if (matches(rule, target, text)) rule.hits += 1;
    const rule = early ?? choose(target, text);
    if (rule) rule.faulted += 1;
    const fault: Fault = rule?.fault ?? faults.pass;
    switch (fault.kind) {
      case 'frozen':
        return;
      case 'blackhole':
        request.socket.pause();
        return;
      case 'pass':
        return answer(response, await forward(request, body));
      case 'slow': {
        const real = await forward(request, body);
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer(response, real);
        }, fault.ms);
        timers.add(timer);
        return;
      }
      case 'lostAfterApply':
        await forward(request, body);
        // An RST rather than a FIN: the client sees ECONNRESET, as when a connection dies mid-answer.
        (request.socket as Socket).resetAndDestroy();
        return;
      case 'status5xxAfterApply':
        await forward(request, body);
        return answer(response, serverError(fault.status));
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => request.socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const set = (target: string, fault: Fault, options: RuleOptions = {}): Rule => {
    const rule: LiveRule = {
      target,
      fault,
      times: options.times ?? Number.POSITIVE_INFINITY,
      bodyIncludes: options.bodyIncludes,
      hits: 0,
      faulted: 0,
    };
    rules.push(rule);
    return {
      get hits() {
        return rule.hits;
      },
      get faulted() {
        return rule.faulted;
      },
      remove: () => {
        rules = rules.filter((other) => other !== rule);
      },
    };
  };

  return {
    url: `http://127.0.0.1:${port}`,
    set,
    once: (target, fault, options = {}) => set(target, fault, { ...options, times: 1 }),
    reset: () => {
      rules = [];
      counts.clear();
    },
    count: (target) => counts.get(target) ?? 0,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      agent.destroy();
    },
  };
};
