/**
 * The identity part of the audit record (identityAuditKeys), exactly, for every kind of caller. The
 * log lines around it are tested in audit.test.ts.
 */
import { createHash } from 'node:crypto';
import type { Identity } from '../../lambda/auth/authenticate';
import { identityAuditKeys } from '../../lambda/core/decision-log';
import { STAGING_ID } from '../gate/fixtures';
import { API } from '../support/secrets';

const GATE = { stepName: 'ApproveStaging', stepExecutionId: STAGING_ID };

describe('identityAuditKeys', () => {
  it('a Slack user: name, Slack user, team and channel ids, the button’s token and key ids, the gate', () => {
    const identity: Identity = {
      kind: 'slack',
      channel: 'slack',
      name: 'alice',
      userId: 'U0LOCALALICE',
      teamId: 'T0LOCAL01',
      slackChannelId: 'C0LOCAL01',
      gate: GATE,
      tokenId: '6f1b6d2e-3c4a-4b5c-9d6e-7f8091a2b3c4',
      keyId: 'k1',
    };

    expect(identityAuditKeys(identity)).toEqual({
      actor: 'alice',
      channel: 'slack',
      slackUserId: 'U0LOCALALICE',
      slackTeamId: 'T0LOCAL01',
      slackChannelId: 'C0LOCAL01',
      tokenId: '6f1b6d2e-3c4a-4b5c-9d6e-7f8091a2b3c4',
      keyId: 'k1',
      gate: 'ApproveStaging',
      stepExecutionId: STAGING_ID,
    });
  });

  it('a link sent through Teams: its channel, token and key ids, the gate', () => {
    const identity: Identity = {
      kind: 'link',
      channel: 'link',
      name: 'teams:ops',
      tokenId: '6f1b6d2e-3c4a-4b5c-9d6e-7f8091a2b3c4',
      keyId: 'k1',
      gate: GATE,
      via: 'teams',
    };

    expect(identityAuditKeys(identity)).toEqual({
      actor: 'teams:ops',
      channel: 'teams',
      tokenId: '6f1b6d2e-3c4a-4b5c-9d6e-7f8091a2b3c4',
      keyId: 'k1',
      gate: 'ApproveStaging',
      stepExecutionId: STAGING_ID,
    });
  });

  it('a hand-made link: channel "link", no gate', () => {
    expect(
      identityAuditKeys({ kind: 'link', channel: 'link', name: 'alice@example.com', tokenId: 'jti-1' }),
    ).toEqual({ actor: 'alice@example.com', channel: 'link', tokenId: 'jti-1' });
  });

  it('an API client: its name and a short id of its token', () => {
    expect(
      identityAuditKeys(
        { kind: 'api', channel: 'api', name: 'jira', scope: { actions: ['approve'], runbooks: ['*'] } },
        API.token,
      ),
    ).toEqual({
      actor: 'jira',
      channel: 'api',
      tokenId: createHash('sha256').update(API.token).digest('hex').slice(0, 12),
    });
  });
});
