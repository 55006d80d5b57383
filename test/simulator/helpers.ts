import { join } from 'node:path';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { AutomationEngine } from '../../local/simulator/engine';
import { DEFAULT_LOCAL_PRINCIPALS } from '../../local/simulator/principals';
import type { Runbook } from '../../local/simulator/runbook';
import { loadRunbooks } from '../../local/simulator/runbook-loader';

export const LOCAL_RUNBOOKS = join(__dirname, '..', '..', 'local', 'runbooks');
export const TEST_RUNBOOKS = join(__dirname, 'runbooks');

export const OPERATOR = DEFAULT_LOCAL_PRINCIPALS.AKIALOCALOPERATOR001?.arn as string;
export const WEBHOOK = DEFAULT_LOCAL_PRINCIPALS.AKIALOCALWEBHOOKSIGN?.arn as string;
export const OUTSIDER = DEFAULT_LOCAL_PRINCIPALS.AKIALOCALOUTSIDER001?.arn as string;

/** Shipped and test-only runbooks together. */
export const allRunbooks = (): ReadonlyMap<string, Runbook> =>
  new Map([...loadRunbooks(LOCAL_RUNBOOKS), ...loadRunbooks(TEST_RUNBOOKS)]);

/** A clock that only moves when told to. */
export class ManualClock {
  private current: Date;

  constructor(iso = '2025-01-01T00:00:00.000Z') {
    this.current = new Date(iso);
  }

  readonly now = (): Date => new Date(this.current);

  advance(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

/** Ids id(1), id(2), ... in the UUID format: execution id first, then one per step. */
export const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const sequentialIds = (): (() => string) => {
  let n = 0;
  return () => id(++n);
};

export const newEngine = (clock = new ManualClock()): { engine: AutomationEngine; clock: ManualClock } => ({
  engine: new AutomationEngine({ runbooks: allRunbooks(), clock: clock.now, newId: sequentialIds() }),
  clock,
});

/** What an engine call throws, as `{ code, message }` (fails the test when it does not throw). */
export const thrown = (call: () => unknown): { code: string; message: string } => {
  try {
    call();
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
  throw new Error('expected the call to throw');
};

/** Epoch seconds, as on the wire. */
export const epoch = (iso: string): number => new Date(iso).getTime() / 1000;

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** POSTs a raw request, signed with SigV4 for `accessKeyId` unless `sign` is false. */
export const rawRequest = async (
  url: string,
  options: {
    readonly target?: string;
    readonly body?: string;
    readonly contentType?: string;
    readonly method?: string;
    readonly accessKeyId?: string;
    readonly secretAccessKey?: string;
    readonly sign?: boolean;
    readonly signingDate?: Date;
    /** The region the signature is scoped to. @default 'us-east-1' */
    readonly region?: string;
    readonly extraHeaders?: Record<string, string>;
  },
): Promise<RawResponse> => {
  const { host } = new URL(url);
  const headers: Record<string, string> = { host, ...(options.extraHeaders ?? {}) };
  if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  if (options.target !== undefined) headers['x-amz-target'] = options.target;
  let request = new HttpRequest({
    method: options.method ?? 'POST',
    protocol: 'http:',
    hostname: host.split(':')[0] as string,
    path: '/',
    headers,
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
  if (options.sign !== false) {
    const accessKeyId = options.accessKeyId ?? 'AKIALOCALOPERATOR001';
    const secretAccessKey =
      options.secretAccessKey ?? DEFAULT_LOCAL_PRINCIPALS[accessKeyId]?.secretAccessKey ?? 'unknown-secret';
    const signer = new SignatureV4({
      credentials: { accessKeyId, secretAccessKey },
      region: options.region ?? 'us-east-1',
      service: 'ssm',
      sha256: Hash.bind(null, 'sha256'),
    });
    request = (await signer.sign(request, { signingDate: options.signingDate ?? new Date() })) as HttpRequest;
  }
  const { host: _host, ...sent } = request.headers;
  const response = await fetch(url, {
    method: request.method,
    headers: sent,
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
};
