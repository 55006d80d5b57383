/**
 * The fault proxy (test/support/fault-proxy.ts) in front of a recording upstream: what reaches the
 * upstream (was the change "applied"?) and what the client gets back, per fault.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FaultProxy, faults, startFaultProxy } from '../support/fault-proxy';

const SIGNAL = 'AmazonSSM.SendAutomationSignal';
const READ = 'AmazonSSM.GetAutomationExecution';

type Outcome =
  | { readonly status: number; readonly body: string; readonly ms: number }
  | { readonly error: string; readonly ms: number }
  | { readonly noAnswerWithin: number };

/** One POST on a fresh connection: the answer, the socket error, or no answer within `waitMs`. */
const call = (url: string, target: string, body: string, waitMs = 1_000): Promise<Outcome> =>
  new Promise((resolve) => {
    const started = Date.now();
    const ms = () => Date.now() - started;
    const request = httpRequest(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString(), ms: ms() }),
        );
      },
    );
    const timer = setTimeout(() => {
      request.destroy();
      resolve({ noAnswerWithin: waitMs });
    }, waitMs);
    request.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ error: error.code ?? error.message, ms: ms() });
    });
    request.on('close', () => clearTimeout(timer));
    request.end(body);
  });

let upstream: Server;
let upstreamUrl: string;
/** Bodies the upstream received: each one stands for a change the simulator applied. */
let applied: string[];
let proxy: FaultProxy;

beforeAll(async () => {
  upstream = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      applied.push(Buffer.concat(chunks).toString());
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end('{"real":true}');
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});
beforeEach(async () => {
  applied = [];
  proxy = await startFaultProxy(upstreamUrl);
});
afterEach(() => proxy.close());

describe('the fault proxy', () => {
  it('listens on loopback and passes every request through by default, counting per target', async () => {
    expect(proxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await call(proxy.url, SIGNAL, '{"a":1}')).toMatchObject({ status: 200, body: '{"real":true}' });
    expect(await call(proxy.url, READ, '{"b":2}')).toMatchObject({ status: 200, body: '{"real":true}' });
    expect(applied).toEqual(['{"a":1}', '{"b":2}']);
    expect([proxy.count(SIGNAL), proxy.count(READ), proxy.count('AmazonSSM.Other')]).toEqual([1, 1, 0]);
  });

  it('faults only the matching target; other operations pass', async () => {
    proxy.set(SIGNAL, faults.status5xxAfterApply(503));
    expect(await call(proxy.url, READ, 'read')).toMatchObject({ status: 200, body: '{"real":true}' });
    expect(applied).toEqual(['read']);
  });

  it('frozen: reads the request, never forwards or answers it', async () => {
    const rule = proxy.set(SIGNAL, faults.frozen);
    expect(await call(proxy.url, SIGNAL, 'x', 500)).toEqual({ noAnswerWithin: 500 });
    expect(applied).toEqual([]);
    expect([rule.hits, rule.faulted, proxy.count(SIGNAL)]).toEqual([1, 1, 1]);
  });

  it('frozen: the held connection ends when the proxy closes', async () => {
    proxy.set(SIGNAL, faults.frozen);
    const pending = call(proxy.url, SIGNAL, 'x', 5_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await proxy.close();
    expect(await pending).toMatchObject({ error: 'ECONNRESET' });
  });

  it('blackhole: never forwards or answers, and never closes the connection', async () => {
    proxy.set(SIGNAL, faults.blackhole);
    expect(await call(proxy.url, SIGNAL, 'x', 500)).toEqual({ noAnswerWithin: 500 });
    expect(applied).toEqual([]);
    expect(proxy.count(SIGNAL)).toBe(1);
  });

  it('slow(ms): forwards at once (applied), answers the real answer after ms', async () => {
    proxy.set(SIGNAL, faults.slow(400));
    const pending = call(proxy.url, SIGNAL, 'x', 2_000);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(applied).toEqual(['x']);
    const outcome = await pending;
    expect(outcome).toMatchObject({ status: 200, body: '{"real":true}' });
    expect((outcome as { ms: number }).ms).toBeGreaterThanOrEqual(400);
  });

  it('lostAfterApply: forwards (applied), then resets the connection without an answer', async () => {
    proxy.set(SIGNAL, faults.lostAfterApply);
    expect(await call(proxy.url, SIGNAL, 'x')).toMatchObject({ error: 'ECONNRESET' });
    expect(applied).toEqual(['x']);
  });

  it.each([500, 503] as const)(
    'status5xxAfterApply(%i): forwards (applied), answers an SSM error',
    async (code) => {
      proxy.set(SIGNAL, faults.status5xxAfterApply(code));
      expect(await call(proxy.url, SIGNAL, 'x')).toMatchObject({
        status: code,
        body: JSON.stringify({
          __type: 'InternalServerError',
          message: `fault proxy: ${code} after applying`,
        }),
      });
      expect(applied).toEqual(['x']);
    },
  );

  it('once: faults the first matching request only; the retry passes', async () => {
    const rule = proxy.once(SIGNAL, faults.lostAfterApply);
    expect(await call(proxy.url, SIGNAL, 'first')).toMatchObject({ error: 'ECONNRESET' });
    expect(await call(proxy.url, SIGNAL, 'retry')).toMatchObject({ status: 200, body: '{"real":true}' });
    expect(applied).toEqual(['first', 'retry']);
    expect([rule.hits, rule.faulted, proxy.count(SIGNAL)]).toEqual([2, 1, 2]);
  });

  it('bodyIncludes: faults only requests whose body names it (cases side by side)', async () => {
    proxy.set(SIGNAL, faults.status5xxAfterApply(500), { bodyIncludes: 'exec-A' });
    expect(await call(proxy.url, SIGNAL, '{"id":"exec-B"}')).toMatchObject({ status: 200 });
    expect(await call(proxy.url, SIGNAL, '{"id":"exec-A"}')).toMatchObject({ status: 500 });
  });

  it('the newest matching rule decides; remove() and reset() take rules away', async () => {
    proxy.set(SIGNAL, faults.status5xxAfterApply(500));
    const newer = proxy.set(SIGNAL, faults.status5xxAfterApply(503));
    expect(await call(proxy.url, SIGNAL, 'x')).toMatchObject({ status: 503 });
    newer.remove();
    expect(await call(proxy.url, SIGNAL, 'x')).toMatchObject({ status: 500 });
    proxy.reset();
    expect(proxy.count(SIGNAL)).toBe(0);
    expect(await call(proxy.url, SIGNAL, 'x')).toMatchObject({ status: 200 });
  });
});
