import { decodeJwt } from 'jose';
import { authenticate } from '../../lambda/auth/authenticate';
import { signLinkToken, verifyLinkToken } from '../../lambda/auth/link-token';
import { linkLifetime, mintLinks } from '../../lambda/notify/links';
import type { GateNotification } from '../../lambda/notify/notification';
import { authConfig, describeError, EXECUTION_ID, rejectionOf } from '../auth/fixtures';

const config = authConfig({});
const NOW = new Date('2026-12-01T16:00:00Z');
const GATE = { stepName: 'ApproveStaging', stepExecutionId: '11111111-1111-4111-8111-111111111111' };

const notification = (deadline?: Date): GateNotification => ({
  execution: { executionId: EXECUTION_ID, documentName: 'Demo-TwoGates', parameters: {} },
  gate: {
    ...GATE,
    approvers: [],
    minRequiredApprovals: 1,
    timeoutSeconds: 3600,
    ...(deadline ? { deadline } : {}),
  },
});

describe('step-bound link claims', () => {
  it('carries the gate and the channel, and verifies them back', async () => {
    const token = await signLinkToken(config, {
      executionId: EXECUTION_ID,
      actions: ['approve'],
      approver: 'alice@example.com',
      ttlSeconds: 3600,
      now: NOW,
      gate: GATE,
      channel: 'email',
    });
    const payload = decodeJwt(token);
    expect(payload.gat).toEqual({ n: 'ApproveStaging', id: GATE.stepExecutionId });
    expect(payload.chn).toBe('email');
    const claims = await verifyLinkToken(config, token, NOW);
    expect(claims.gate).toEqual(GATE);
    expect(claims.channel).toBe('email');
    const identity = await authenticate(
      config,
      { linkToken: token },
      { executionId: EXECUTION_ID, action: 'approve' },
      NOW,
    );
    expect(identity).toEqual({
      kind: 'link',
      channel: 'link',
      name: 'alice@example.com',
      tokenId: claims.tokenId,
      keyId: 'k1',
      gate: GATE,
      via: 'email',
    });
  });

  it('leaves both out for links made by hand', async () => {
    const token = await signLinkToken(config, {
      executionId: EXECUTION_ID,
      actions: ['approve'],
      approver: 'alice@example.com',
      ttlSeconds: 3600,
      now: NOW,
    });
    expect(Object.keys(decodeJwt(token)).sort()).toEqual([
      'act',
      'apr',
      'aud',
      'exp',
      'iat',
      'iss',
      'jti',
      'sub',
      'v',
    ]);
    const claims = await verifyLinkToken(config, token, NOW);
    expect(claims.gate).toBeUndefined();
    expect(claims.channel).toBeUndefined();
  });

  it('refuses a malformed gate when signing', async () => {
    const error = await rejectionOf(
      signLinkToken(config, {
        executionId: EXECUTION_ID,
        actions: ['approve'],
        approver: 'a',
        ttlSeconds: 3600,
        gate: { stepName: 'bad name', stepExecutionId: GATE.stepExecutionId },
      }),
    );
    expect(describeError(error)).toMatchObject({ name: 'ValidationError', reason: 'invalid-gate' });
  });
});

describe('linkLifetime', () => {
  it('lasts until the gate times out, capped at the maximum, and not at all for under a minute', () => {
    expect(linkLifetime(new Date('2026-12-01T17:00:00Z'), 604_800, NOW)).toBe(3600);
    expect(linkLifetime(new Date('2026-12-31T16:00:00Z'), 604_800, NOW)).toBe(604_800);
    expect(linkLifetime(undefined, 86_400, NOW)).toBe(86_400);
    expect(linkLifetime(new Date('2026-12-01T16:00:59Z'), 604_800, NOW)).toBeUndefined();
  });
});

describe('mintLinks', () => {
  it('mints one link per action, each bound to the execution, the action, the recipient and the gate', async () => {
    const links = await mintLinks(config, {
      apiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/',
      notification: notification(new Date('2026-12-01T17:00:00Z')),
      approver: 'bob@example.com',
      channel: 'email',
      maxTtlSeconds: 604_800,
      now: NOW,
    });
    expect(links?.expiresAt).toEqual(new Date('2026-12-01T17:00:00Z'));
    for (const action of ['approve', 'reject', 'stop'] as const) {
      const url = new URL(links?.[action] ?? '');
      expect(`${url.origin}${url.pathname}`).toBe(
        `https://abc.execute-api.eu-west-1.amazonaws.com/executions/${EXECUTION_ID}/${action}`,
      );
      const claims = await verifyLinkToken(config, url.searchParams.get('token') ?? '', NOW);
      expect(claims).toMatchObject({
        executionId: EXECUTION_ID,
        actions: [action],
        approver: 'bob@example.com',
        gate: GATE,
        channel: 'email',
        expiresAt: new Date('2026-12-01T17:00:00Z'),
      });
    }
  });

  it('mints nothing for a gate about to time out', async () => {
    const links = await mintLinks(config, {
      apiUrl: 'https://x.example.com',
      notification: notification(new Date('2026-12-01T16:00:30Z')),
      approver: 'bob@example.com',
      channel: 'email',
      maxTtlSeconds: 604_800,
      now: NOW,
    });
    expect(links).toBeUndefined();
  });
});
