/**
 * Signed links end to end: GET never acts; the confirmation form's POST does, once; and a battery of
 * forged, expired, replayed and missing credentials never changes an execution (read back from the simulator).
 */
import { signLinkToken } from '../../lambda/auth/link-token';
import { validateSecretDocument } from '../../lambda/auth/secret-document';
import { readSecretFile } from '../../local/secret-store';
import { type E2E, startE2E } from './local-stack';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(() => e2e.close());

const DEMO = 'Demo-ApproveChange';
const tokenOf = (link: string) => new URL(link).searchParams.get('token') as string;

describe('GET on a link', () => {
  it('renders the confirmation page and leaves the execution Waiting, however often it is fetched', async () => {
    const id = await e2e.start(DEMO);
    const { approve, reject, stop } = await e2e.links(id);
    for (const link of [approve, reject, stop, approve]) {
      const response = await fetch(link);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await response.text()).toContain(id);
    }
    expect(await e2e.status(id)).toBe('Waiting');
    expect((await e2e.steps(id)).find((s) => s.name === 'ApproveChange')?.status).toBe('Waiting');
  });
});

describe('the confirmation form’s POST', () => {
  it('approves once; the second press reports that the decision was already made', async () => {
    const id = await e2e.start(DEMO);
    const token = tokenOf((await e2e.links(id)).approve);

    const first = await e2e.post(`/executions/${id}/approve`, {
      form: { token, comment: 'ok' },
      token: null,
    });
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('Approved');
    expect(await e2e.status(id)).toBe('Success');

    const second = await e2e.post(`/executions/${id}/approve`, { form: { token }, token: null });
    expect(second.status).toBe(409);
    expect(await second.text()).toContain(
      'This approval was already decided or the execution is no longer waiting',
    );
  });

  it('a reject link rejects; a stop link cancels', async () => {
    const rejected = await e2e.start(DEMO);
    const rejectToken = tokenOf((await e2e.links(rejected)).reject);
    expect(
      (await e2e.post(`/executions/${rejected}/reject`, { form: { token: rejectToken }, token: null }))
        .status,
    ).toBe(200);
    expect(await e2e.status(rejected)).toBe('Failed');

    const stopped = await e2e.start(DEMO);
    const stopToken = tokenOf((await e2e.links(stopped)).stop);
    expect(
      (await e2e.post(`/executions/${stopped}/stop`, { form: { token: stopToken }, token: null })).status,
    ).toBe(200);
    expect(await e2e.status(stopped)).toBe('Cancelled');
  });
});

describe('no forged, expired, replayed or missing credential changes an execution', () => {
  it('every attempt is refused with 401/403/400 and the execution stays Waiting', async () => {
    const id = await e2e.start(DEMO);
    const other = await e2e.start(DEMO);
    const links = await e2e.links(id);
    const otherLinks = await e2e.links(other);
    const config = validateSecretDocument(await readSecretFile(e2e.secretFile));
    const expired = await signLinkToken(config, {
      executionId: id,
      actions: ['approve'],
      approver: 'alice@example.com',
      ttlSeconds: 60,
      now: new Date(Date.now() - 3_600_000),
    });
    const forgedConfig = {
      ...config,
      linkKeys: new Map([[config.activeLinkKeyId, Buffer.from('x'.repeat(64))]]),
    };
    const forged = await signLinkToken(forgedConfig, {
      executionId: id,
      actions: ['approve'],
      approver: 'mallory@example.com',
      ttlSeconds: 3600,
    });
    const [header, payload] = tokenOf(links.approve).split('.');
    const tampered = `${header}.${payload}.${'A'.repeat(43)}`;

    const attempts: [string, () => Promise<Response>, number][] = [
      ['no credentials', () => e2e.post(`/executions/${id}/approve`, { token: null }), 401],
      ['a made-up API token', () => e2e.post(`/executions/${id}/approve`, { token: 'sawh_made-up' }), 401],
      ['an empty bearer token', () => e2e.post(`/executions/${id}/stop`, { token: '' }), 401],
      [
        'a link signed with another key',
        () => e2e.post(`/executions/${id}/approve`, { form: { token: forged }, token: null }),
        401,
      ],
      [
        'a link with its signature replaced',
        () => e2e.post(`/executions/${id}/approve`, { form: { token: tampered }, token: null }),
        401,
      ],
      [
        'an expired link',
        () => e2e.post(`/executions/${id}/approve`, { form: { token: expired }, token: null }),
        403,
      ],
      [
        'another execution’s link replayed',
        () =>
          e2e.post(`/executions/${id}/approve`, {
            form: { token: tokenOf(otherLinks.approve) },
            token: null,
          }),
        403,
      ],
      [
        'the reject link used to approve',
        () => e2e.post(`/executions/${id}/approve`, { form: { token: tokenOf(links.reject) }, token: null }),
        403,
      ],
      [
        'the approve link used to stop',
        () => e2e.post(`/executions/${id}/stop`, { form: { token: tokenOf(links.approve) }, token: null }),
        403,
      ],
      [
        'a link on the generic signal route',
        () =>
          e2e.post(`/executions/${id}/signal`, {
            form: { token: tokenOf(links.approve), signalType: 'Approve' },
            token: null,
          }),
        403,
      ],
      [
        'a link token in the query string of a POST',
        () => fetch(`${links.approve}`, { method: 'POST' }),
        401,
      ],
    ];
    for (const [name, attempt, status] of attempts) {
      const response = await attempt();
      expect({ name, status: response.status }).toEqual({ name, status });
    }
    expect(await e2e.status(id)).toBe('Waiting');
    expect(await e2e.status(other)).toBe('Waiting');
  });
});
