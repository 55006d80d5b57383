/** Section 1: the pure functions on the request path, with no I/O. */
import { createApiToken, verifyApiToken } from '../../lambda/auth/api-token';
import { signLinkToken, verifyLinkToken } from '../../lambda/auth/link-token';
import { type AuthConfig, parseSecretDocument } from '../../lambda/auth/secret-document';
import { renderConfirmationPage } from '../../lambda/pages/confirmation-page';
import { type LoopBounds, measureLatency, measureThroughput, type Operation } from '../measure';
import type { BenchResult, SectionOptions, SectionOutcome } from '../results';
import { ratePerSecond, summarize } from '../stats';

const EXECUTION_ID = '3f1c6a52-9d7e-4a51-8f0e-2b8c1d0e4a77';
/** A fixed, non-secret benchmark key (the same length class as a generated one). */
const LINK_KEY = 'bench-link-key-0123456789abcdefghijklmnopqrstuvwxyz';

/** A validated AuthConfig with `clientCount` API clients; the returned token belongs to the last one. */
export const benchAuthConfig = (clientCount: number): { config: AuthConfig; token: string } => {
  const clients = Array.from({ length: clientCount }, (_, index) => createApiToken(`client-${index}`));
  const last = clients[clients.length - 1];
  if (last === undefined) throw new RangeError('at least one client is needed');
  const config = parseSecretDocument(
    JSON.stringify({
      activeLinkKeyId: 'k1',
      'linkKey.k1': LINK_KEY,
      apiClients: clients.map((client) => client.entry),
    }),
  );
  return { config, token: last.token };
};

interface Case {
  readonly name: string;
  readonly operation: Operation;
  readonly note?: string;
}

/** Throughput from an untimed pass, percentiles from a second pass that times every call. */
const measureCase = async (item: Case, bounds: LoopBounds, warmup: LoopBounds): Promise<BenchResult> => {
  await measureThroughput(item.operation, warmup);
  const throughput = await measureThroughput(item.operation, bounds);
  const timed = await measureLatency(
    () => undefined,
    () => item.operation(),
    bounds,
  );
  return {
    section: 'pure',
    name: item.name,
    iterations: throughput.iterations,
    unit: 'ops/s',
    rate: ratePerSecond(throughput.iterations, throughput.elapsedMs),
    latencyMs: summarize(timed.durationsMs),
    latencyIterations: timed.iterations,
    ...(item.note ? { note: item.note } : {}),
  };
};

/** Fails loudly if an operation does not do what is being measured (a benchmark of an error path is useless). */
const expectValue = <T>(actual: T, expected: T, what: string): void => {
  if (actual !== expected) throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
};

export async function runPure(options: SectionOptions): Promise<SectionOutcome> {
  const bounds: LoopBounds = options.quick
    ? { iterations: 2_000, maxMs: 1_000 }
    : { iterations: 50_000, maxMs: 4_000 };
  const warmup: LoopBounds = { iterations: Math.ceil(bounds.iterations / 10), maxMs: bounds.maxMs / 5 };

  const one = benchAuthConfig(1);
  const fifty = benchAuthConfig(50);
  const now = new Date();
  const signInput = {
    executionId: EXECUTION_ID,
    actions: ['approve'] as const,
    approver: 'alice@example.com',
    ttlSeconds: 3600,
  };
  const token = await signLinkToken(one.config, signInput);
  expectValue((await verifyLinkToken(one.config, token)).executionId, EXECUTION_ID, 'verifyLinkToken');
  expectValue(verifyApiToken(one.config, one.token)?.clientName, 'client-0', 'verifyApiToken (1 client)');
  expectValue(
    verifyApiToken(fifty.config, fifty.token)?.clientName,
    'client-49',
    'verifyApiToken (50 clients)',
  );
  const pageInput = {
    executionId: EXECUTION_ID,
    action: 'approve' as const,
    approver: 'alice@example.com',
    expiresAt: new Date(now.getTime() + 3_600_000),
    token,
  };
  expectValue(
    renderConfirmationPage(pageInput).includes(token),
    true,
    'renderConfirmationPage has the token',
  );

  const cases: Case[] = [
    { name: 'signLinkToken', operation: () => signLinkToken(one.config, signInput) },
    { name: 'verifyLinkToken', operation: () => verifyLinkToken(one.config, token, now) },
    { name: 'verifyApiToken, 1 client', operation: () => verifyApiToken(one.config, one.token) },
    {
      name: 'verifyApiToken, 50 clients',
      operation: () => verifyApiToken(fifty.config, fifty.token),
      note: 'compares with every stored hash by design (constant time)',
    },
    { name: 'renderConfirmationPage (approve)', operation: () => renderConfirmationPage(pageInput) },
  ];
  const results: BenchResult[] = [];
  for (const item of cases) {
    results.push(await measureCase(item, bounds, warmup));
  }
  return { results, failures: [] };
}
