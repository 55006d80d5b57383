/**
 * The decision job is sealed: the asynchronous side acts only on a job this webhook signed, so a principal
 * allowed to invoke the function (but not to read the secret) cannot forge "alice approved" (security
 * review of issue 9).
 */
import { SignJWT } from 'jose';
import { signButtonValue } from '../../lambda/slack/button-token';
import type { SlackDecisionJob } from '../../lambda/slack/decision-job';
import { JOB_TOKEN_TTL_SECONDS, openJob, sealJob } from '../../lambda/slack/job-token';
import { authConfig, KEY } from '../auth/fixtures';

const CONFIG = authConfig({});
const NOW = new Date('2026-12-01T16:00:00Z');

const JOB: SlackDecisionJob = {
  kind: 'slack-decision',
  executionId: '3f1c6a52-9d7e-4a51-8f0e-2b8c1d0e4a77',
  gate: { stepName: 'ApproveChange', stepExecutionId: '5e0d2a8c-1b3f-4c6d-8e9f-0a1b2c3d4e5f' },
  action: 'approve',
  runbook: 'Demo-ApproveChange',
  comment: 'ok',
  user: { id: 'U0LOCALALICE', name: 'alice' },
  teamId: 'T0LOCAL01',
  channelId: 'C0LOCALOPS',
  messageTs: '1700000000.000100',
  tokenId: '0b7e4c1a-3f2d-4e8b-9a61-2c5d8f0e1a22',
  keyId: 'k1',
};

describe('sealed decision jobs', () => {
  it('opens a job it sealed, unchanged, until the asynchronous event age runs out', async () => {
    const event = await sealJob(CONFIG, JOB, NOW);
    expect(event).toEqual({ kind: 'slack-decision', token: expect.any(String) });
    expect(await openJob(CONFIG, event, NOW)).toEqual({ job: JOB });
    const late = new Date(NOW.getTime() + (JOB_TOKEN_TTL_SECONDS + 6) * 1000);
    expect(await openJob(CONFIG, event, late)).toEqual({
      problem: expect.stringMatching(/^the job is not sealed by this webhook \(expired: /),
    });
  });

  it('refuses the forged job of the review: the job itself as the event, with no seal', async () => {
    expect(await openJob(CONFIG, JOB, NOW)).toEqual({
      problem: 'the event carries no sealed job ("token")',
    });
  });

  it('refuses a job sealed with a key the webhook does not have, or as another kind of token', async () => {
    const foreign = await sealJob(authConfig({ keys: { k9: true }, active: 'k9' }), JOB, NOW);
    expect(await openJob(CONFIG, foreign, NOW)).toEqual({
      problem: expect.stringMatching(/^the job is not sealed by this webhook \(unknown-key: /),
    });
    const button = await signButtonValue(CONFIG, {
      executionId: JOB.executionId,
      gate: JOB.gate,
      action: 'approve',
      runbook: JOB.runbook,
      teamId: JOB.teamId,
      channelId: JOB.channelId,
      ttlSeconds: 600,
      now: NOW,
    });
    expect(await openJob(CONFIG, { kind: 'slack-decision', token: button }, NOW)).toEqual({
      problem: expect.stringMatching(/^the job is not sealed by this webhook \(invalid: /),
    });
  });

  it('checks the sealed job field by field, and that it names the execution of its seal', async () => {
    const sign = (claims: Record<string, unknown>, subject: string) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: 'k1', typ: 'ssm-approval-slack-job+jwt' })
        .setIssuer('ssm-approval-webhook')
        .setAudience('ssm-approval-webhook/slack-job')
        .setSubject(subject)
        .setIssuedAt(Math.floor(NOW.getTime() / 1000))
        .setExpirationTime(Math.floor(NOW.getTime() / 1000) + 60)
        .setJti('8d6f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b')
        .sign(new TextEncoder().encode(KEY.k1));
    const badUser = await sign({ job: { ...JOB, user: { id: 'nobody', name: 'x' } } }, JOB.executionId);
    expect(await openJob(CONFIG, { kind: 'slack-decision', token: badUser }, NOW)).toEqual({
      problem: '"user.id" is missing or malformed',
    });
    const otherSubject = await sign({ job: JOB }, '9d2b6c11-aaaa-4bbb-8ccc-0123456789ff');
    expect(await openJob(CONFIG, { kind: 'slack-decision', token: otherSubject }, NOW)).toEqual({
      problem: 'the job names another execution than its seal',
    });
  });
});
