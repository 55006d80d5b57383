/**
 * The HTTP side of POST /slack/interactions, through its middy chain, against the local Slack stand-in
 * (which records ephemeral messages and opened modals) with a spy in place of the asynchronous hand-off.
 * Payloads are the ones the local channel page sends, signed as Slack signs them.
 */
import { decodeJwt } from 'jose';
import { logger } from '../../lambda/core/logger';
import { createDeciders } from '../../lambda/slack/deciders';
import type { SlackDecisionJob } from '../../lambda/slack/decision-job';
import { DispatchError } from '../../lambda/slack/dispatch';
import { ACKNOWLEDGED, interactionsHandler } from '../../lambda/slack/interactions';
import { viewSubmissionPayload } from '../../local/slack/interactions';
import type { LocalSlack } from '../../local/slack/server';
import { NOTIFICATION, STEP_EXECUTION_ID } from '../notify/fixtures';
import { webClient } from '../slack-local/support';
import { context, JSON_RESPONSE_HEADERS } from '../support/events';
import {
  ALICE,
  BOB,
  BOT_TOKEN,
  CAROL,
  clickPayload,
  formBody,
  OPS,
  OTHER_CHANNEL,
  postGateMessage,
  ROUTING,
  SECRET,
  SIGNING_SECRET,
  signedEvent,
  startWorkspace,
  TEAM,
} from './interaction-support';

const EXECUTION_ID = NOTIFICATION.execution.executionId;
const SLACKBOT = 'Slackbot 1.0 (+https://api.slack.com/robots)';

let slack: LocalSlack;
const dispatch = jest.fn<Promise<void>, [SlackDecisionJob]>();
const deciders = createDeciders();
let handler: ReturnType<typeof interactionsHandler>;

beforeAll(async () => {
  slack = await startWorkspace();
  handler = interactionsHandler({
    loadAuthConfig: async () => SECRET,
    routing: () => ROUTING,
    slack: (token) => webClient(slack.apiUrl, token),
    deciders,
    dispatch,
    logger,
  });
});
afterAll(() => slack.close());
beforeEach(() => {
  dispatch.mockReset();
  dispatch.mockResolvedValue(undefined);
  deciders.clear();
});

const invoke = (event: ReturnType<typeof signedEvent>) => handler(event, context());

/** What the local Slack recorded since `before` (ephemeral messages and modals). */
const recorded = (before: { messages: number; views: number }) => ({
  ephemeral: slack
    .messages()
    .slice(before.messages)
    .map((m) => ({ channel: m.channel, user: m.ephemeral?.user, text: m.text })),
  views: slack.views().slice(before.views),
});
const mark = () => ({ messages: slack.messages().length, views: slack.views().length });

/** The job a click by `user` on the gate message `ts` hands on. */
const jobFor = (
  value: string,
  user: { id: string; name: string },
  messageTs: string,
  extra: Partial<SlackDecisionJob> = {},
): SlackDecisionJob => {
  const claims = decodeJwt(value);
  return {
    kind: 'slack-decision',
    executionId: EXECUTION_ID,
    gate: { stepName: 'ApproveChange', stepExecutionId: STEP_EXECUTION_ID },
    action: claims.act as 'approve' | 'reject',
    runbook: 'Demo-ApproveChange',
    ...extra,
    user,
    teamId: TEAM.id,
    channelId: OPS.id,
    messageTs,
    tokenId: claims.jti as string,
    keyId: 'k1',
    sourceIp: '192.0.2.10',
    userAgent: SLACKBOT,
  };
};

const ephemeral = (user: string, text: string, channel = OPS.id) => ({ channel, user, text });

describe('block_actions on Approve', () => {
  it('given an approver by id, hands on the exact job and answers 200 with an empty body', async () => {
    const { message, values } = await postGateMessage(slack, NOTIFICATION);
    const before = mark();
    const response = await invoke(signedEvent(formBody(clickPayload(slack, message, ALICE, 'approve'))));

    expect(response).toEqual(ACKNOWLEDGED);
    expect(response).toEqual({ statusCode: 200, headers: { 'cache-control': 'no-store' }, body: '' });
    expect(dispatch.mock.calls).toEqual([
      [jobFor(values.approve, { id: ALICE.id, name: 'alice' }, message.ts)],
    ]);
    expect(recorded(before)).toEqual({ ephemeral: [], views: [] });
  });

  it('given a member of a listed user group, hands on the job for that user', async () => {
    const { message, values } = await postGateMessage(slack, NOTIFICATION);
    const response = await invoke(signedEvent(formBody(clickPayload(slack, message, CAROL, 'approve'))));

    expect(response).toEqual(ACKNOWLEDGED);
    expect(dispatch.mock.calls).toEqual([
      [jobFor(values.approve, { id: CAROL.id, name: 'carol' }, message.ts)],
    ]);
  });

  it('given a user outside the rule, tells them so, logs the refusal, and changes nothing', async () => {
    const warn = jest.spyOn(logger, 'warn');
    const { message, values } = await postGateMessage(slack, NOTIFICATION);
    const before = mark();
    const response = await invoke(signedEvent(formBody(clickPayload(slack, message, BOB, 'approve'))));

    expect(response).toEqual(ACKNOWLEDGED);
    expect(dispatch).not.toHaveBeenCalled();
    expect(recorded(before)).toEqual({
      ephemeral: [ephemeral(BOB.id, 'You are not an approver for this runbook, so nothing was changed.')],
      views: [],
    });
    expect(warn).toHaveBeenCalledWith('Slack click refused', {
      outcome: 'refused',
      reason: 'not-approver',
      slackUserId: BOB.id,
      slackChannelId: OPS.id,
      executionId: EXECUTION_ID,
      gate: 'ApproveChange',
      stepExecutionId: STEP_EXECUTION_ID,
      tokenId: decodeJwt(values.approve).jti,
      runbook: 'Demo-ApproveChange',
      rule: 'rules[0]',
    });
    warn.mockRestore();
  });

  it('given a runbook no rule covers, nobody may decide', async () => {
    const { message } = await postGateMessage(slack, {
      ...NOTIFICATION,
      execution: { ...NOTIFICATION.execution, documentName: 'Unrouted-Runbook' },
    });
    const before = mark();
    await invoke(signedEvent(formBody(clickPayload(slack, message, ALICE, 'approve'))));

    expect(dispatch).not.toHaveBeenCalled();
    expect(recorded(before).ephemeral).toEqual([
      ephemeral(ALICE.id, 'You are not an approver for this runbook, so nothing was changed.'),
    ]);
  });

  it.each([
    [
      'a value posted to another channel',
      { channel: OTHER_CHANNEL.id },
      OTHER_CHANNEL.id,
      'This button was not posted in this channel, so nothing was changed. Use the message the approval was posted with.',
    ],
    [
      'a value made for another workspace',
      { teamId: 'T0ELSEWHERE' },
      OPS.id,
      'This button was not posted in this channel, so nothing was changed. Use the message the approval was posted with.',
    ],
    [
      'an expired value',
      { now: new Date(Date.now() - 2 * 3600_000), ttlSeconds: 3600 },
      OPS.id,
      'This button has expired, so nothing was changed.',
    ],
  ])('given %s, tells the clicker and changes nothing', async (_, options, channel, text) => {
    // A value for #ops copied into a message in #other: it arrives from #other.
    const { message } = await postGateMessage(slack, NOTIFICATION, {
      ...options,
      ...('channel' in options ? { channel: options.channel, channelId: OPS.id } : {}),
    });
    const before = mark();
    const response = await invoke(signedEvent(formBody(clickPayload(slack, message, ALICE, 'approve'))));

    expect(response).toEqual(ACKNOWLEDGED);
    expect(dispatch).not.toHaveBeenCalled();
    expect(recorded(before)).toEqual({ ephemeral: [ephemeral(ALICE.id, text, channel)], views: [] });
  });

  it.each([
    ['a tampered value', (value: string) => `${value.slice(0, -2)}${value.endsWith('AA') ? 'BB' : 'AA'}`],
    ['the Reject value on the Approve button', (_: string, reject: string) => reject],
    ['a link token', () => 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'],
  ])('given %s, answers "not valid" and changes nothing', async (_, change) => {
    const { message, values } = await postGateMessage(slack, NOTIFICATION);
    const before = mark();
    const payload = clickPayload(slack, message, ALICE, 'approve', change(values.approve, values.reject));
    const response = await invoke(signedEvent(formBody(payload)));

    expect(response).toEqual(ACKNOWLEDGED);
    expect(dispatch).not.toHaveBeenCalled();
    expect(recorded(before)).toEqual({
      ephemeral: [ephemeral(ALICE.id, 'This button is not valid, so nothing was changed.')],
      views: [],
    });
  });

  it('given the rule asks for a comment, opens the Approve modal instead of acting', async () => {
    const { message, values } = await postGateMessage(slack, {
      ...NOTIFICATION,
      execution: { ...NOTIFICATION.execution, documentName: 'Demo-CommentFirst' },
    });
    const before = mark();
    await invoke(signedEvent(formBody(clickPayload(slack, message, ALICE, 'approve'))));

    expect(dispatch).not.toHaveBeenCalled();
    const [opened] = recorded(before).views;
    expect(opened?.view).toMatchObject({
      callback_id: 'ssm-approval:approve',
      title: { type: 'plain_text', text: 'Approve' },
      submit: { type: 'plain_text', text: 'Approve' },
      private_metadata: JSON.stringify({ value: values.approve, channelId: OPS.id, messageTs: message.ts }),
    });
    expect(opened?.view.blocks).toEqual([
      {
        type: 'section',
        block_id: expect.any(String),
        text: {
          type: 'mrkdwn',
          text: 'Approve *Demo-CommentFirst*, approval step *ApproveChange*?',
          verbatim: true,
        },
      },
      {
        type: 'input',
        block_id: 'comment',
        label: { type: 'plain_text', text: 'Comment (optional)' },
        optional: true,
        element: { type: 'plain_text_input', action_id: 'comment', multiline: true, max_length: 468 },
      },
    ]);
  });

  it('verifies the body as API Gateway delivers a form post (base64) and as text alike', async () => {
    const { message, values } = await postGateMessage(slack, NOTIFICATION);
    const event = signedEvent(formBody(clickPayload(slack, message, ALICE, 'approve')));
    // API Gateway (and the local runner's event builder) base64-encodes form posts.
    expect(event.isBase64Encoded).toBe(true);
    const asText = {
      ...event,
      body: Buffer.from(event.body as string, 'base64').toString('utf8'),
      isBase64Encoded: false,
    };

    expect(await invoke(event)).toEqual(ACKNOWLEDGED);
    expect(await invoke(asText)).toEqual(ACKNOWLEDGED);
    const job = jobFor(values.approve, { id: ALICE.id, name: 'alice' }, message.ts);
    expect(dispatch.mock.calls).toEqual([[job], [job]]);
  });

  it('tells the clicker when the hand-off certainly failed, and when its outcome is unknown', async () => {
    const { message } = await postGateMessage(slack, NOTIFICATION);
    const before = mark();
    dispatch.mockRejectedValueOnce(new DispatchError('refused', false, { cause: new Error('x') }));
    await invoke(signedEvent(formBody(clickPayload(slack, message, ALICE, 'approve'))));
    dispatch.mockRejectedValueOnce(new DispatchError('timed out', true, { cause: new Error('x') }));
    await invoke(signedEvent(formBody(clickPayload(slack, message, ALICE, 'approve'))));

    expect(recorded(before).ephemeral).toEqual([
      ephemeral(
        ALICE.id,
        'Your decision could not be started, so nothing was changed. Please try again in a minute.',
      ),
      ephemeral(
        ALICE.id,
        'Your decision may or may not have been applied: it was handed on, but the answer was lost. The message will show the outcome.',
      ),
    ]);
  });
});

describe('block_actions on Details', () => {
  it('answers 200 and does nothing else (a link button has no value)', async () => {
    const { message } = await postGateMessage(slack, NOTIFICATION);
    const before = mark();
    const response = await invoke(signedEvent(formBody(clickPayload(slack, message, BOB, 'details'))));

    expect(response).toEqual(ACKNOWLEDGED);
    expect(dispatch).not.toHaveBeenCalled();
    expect(recorded(before)).toEqual({ ephemeral: [], views: [] });
  });
});

/** The Reject modal exactly as the product asks views.open for it (blocks as the stand-in stores them). */
const rejectModal = (value: string, messageTs: string, sectionBlockId: unknown) => ({
  type: 'modal',
  callback_id: 'ssm-approval:reject',
  title: { type: 'plain_text', text: 'Reject' },
  submit: { type: 'plain_text', text: 'Reject' },
  close: { type: 'plain_text', text: 'Cancel' },
  private_metadata: JSON.stringify({ value, channelId: OPS.id, messageTs }),
  blocks: [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: 'Reject *Demo-ApproveChange*, approval step *ApproveChange*?',
        verbatim: true,
      },
      block_id: sectionBlockId,
    },
    {
      type: 'input',
      block_id: 'comment',
      label: { type: 'plain_text', text: 'Reason for rejecting' },
      optional: false,
      // 512 − "Rejected via Slack by alice (U0LOCALALICE): ".length
      element: { type: 'plain_text_input', action_id: 'comment', multiline: true, max_length: 468 },
    },
  ],
});

describe('Reject and its modal', () => {
  const openRejectModal = async () => {
    const { message, values } = await postGateMessage(slack, NOTIFICATION);
    const before = mark();
    const response = await invoke(signedEvent(formBody(clickPayload(slack, message, ALICE, 'reject'))));
    const { views } = recorded(before);
    return { message, values, response, views, before };
  };

  it('opens the exact modal asking for a reason, and hands nothing on yet', async () => {
    const { message, values, response, views } = await openRejectModal();

    expect(response).toEqual(ACKNOWLEDGED);
    expect(dispatch).not.toHaveBeenCalled();
    expect(views).toHaveLength(1);
    const { view, user } = views[0] as (typeof views)[number];
    expect(user).toBe(ALICE.id);
    expect({
      type: view.type,
      callback_id: view.callback_id,
      title: view.title,
      submit: view.submit,
      close: view.close,
      private_metadata: view.private_metadata,
      blocks: view.blocks,
    }).toEqual(rejectModal(values.reject, message.ts, expect.any(String)));
  });

  const submit = (
    opened: Awaited<ReturnType<typeof openRejectModal>>['views'][number],
    value: string | null,
    user = ALICE,
  ) =>
    invoke(
      signedEvent(
        formBody(
          viewSubmissionPayload(slack.workspace, {
            user,
            view: opened,
            values: { comment: { comment: { type: 'plain_text_input', value } } },
            triggerId: slack.workspace.newTrigger(user.id),
          }),
        ),
      ),
    );

  it('refuses a blank reason with the modal error Slack shows under the box', async () => {
    const { views } = await openRejectModal();
    const response = await submit(views[0] as (typeof views)[number], '   \n ');

    expect(response).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json', ...JSON_RESPONSE_HEADERS },
      body: '{"response_action":"errors","errors":{"comment":"Please give a reason for rejecting."}}',
    });
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('with a reason, hands on the exact job with the comment and closes the modal', async () => {
    const { message, values, views } = await openRejectModal();
    const response = await submit(views[0] as (typeof views)[number], '  not in the freeze window \n');

    expect(response).toEqual(ACKNOWLEDGED);
    expect(dispatch.mock.calls).toEqual([
      [
        jobFor(values.reject, { id: ALICE.id, name: 'alice' }, message.ts, {
          comment: 'not in the freeze window',
        }),
      ],
    ]);
  });

  it('checks the submitter again: someone outside the rule gets the refusal in the modal', async () => {
    const { views } = await openRejectModal();
    const response = await submit(views[0] as (typeof views)[number], 'looks wrong', BOB);

    expect(response.body).toBe(
      '{"response_action":"errors","errors":{"comment":"You are not an approver for this runbook, so nothing was changed."}}',
    );
    expect(dispatch).not.toHaveBeenCalled();
  });
});

describe('the signature is checked before anything else', () => {
  const unsigned = { status: 401, title: 'Authentication required' };
  const problem = (reason: string, detail: string) => ({
    statusCode: 401,
    headers: {
      'content-type': 'application/problem+json',
      ...JSON_RESPONSE_HEADERS,
      'www-authenticate': 'Bearer realm="ssm-approval-webhook"',
    },
    body: JSON.stringify({
      type: `urn:ssm-approval-webhook:problem:${reason}`,
      title: unsigned.title,
      status: unsigned.status,
      detail,
    }),
  });
  const INVALID = problem('slack-signature-invalid', 'The request has an invalid Slack signature.');
  const now = () => Math.floor(Date.now() / 1000);

  it.each([
    [
      'a changed body',
      (body: string) =>
        signedEvent(body.replace('U0LOCALALICE', 'U0LOCALCAROL'), {
          timestamp: now(),
          signature: signedEvent(body, { timestamp: now() }).headers['x-slack-signature'] as string,
        }),
      INVALID,
    ],
    [
      'a changed timestamp',
      (body: string) =>
        signedEvent(body, {
          timestamp: now() - 1,
          signature: signedEvent(body, { timestamp: now() }).headers['x-slack-signature'] as string,
        }),
      INVALID,
    ],
    [
      'another version prefix',
      (body: string) => {
        const event = signedEvent(body);
        return {
          ...event,
          headers: {
            ...event.headers,
            'x-slack-signature': (event.headers['x-slack-signature'] as string).replace(/^v0=/, 'v1='),
          },
        };
      },
      INVALID,
    ],
    [
      'a timestamp six minutes old (signed correctly)',
      (body: string) => signedEvent(body, { timestamp: now() - 360 }),
      problem(
        'slack-timestamp-stale',
        "The request's timestamp is more than 5 minutes from the current time.",
      ),
    ],
    [
      'no signature header',
      (body: string) => signedEvent(body, { omit: 'x-slack-signature' }),
      problem(
        'slack-signature-missing',
        'The request is not signed by Slack (X-Slack-Signature and X-Slack-Request-Timestamp are required).',
      ),
    ],
    [
      'no timestamp header',
      (body: string) => signedEvent(body, { omit: 'x-slack-request-timestamp' }),
      problem(
        'slack-signature-missing',
        'The request is not signed by Slack (X-Slack-Signature and X-Slack-Request-Timestamp are required).',
      ),
    ],
    [
      'a signature made with another secret',
      (body: string) => {
        const { slackSignature } =
          require('../../local/slack/interactions') as typeof import('../../local/slack/interactions');
        return signedEvent(body, {
          timestamp: now(),
          signature: slackSignature(`${SIGNING_SECRET}x`, now(), body),
        });
      },
      INVALID,
    ],
  ])('refuses %s with 401 and calls nobody', async (_, tamper, expected) => {
    const { message } = await postGateMessage(slack, NOTIFICATION);
    const before = mark();
    const response = await invoke(tamper(formBody(clickPayload(slack, message, ALICE, 'approve'))));

    expect(response).toEqual(expected);
    expect(dispatch).not.toHaveBeenCalled();
    expect(recorded(before)).toEqual({ ephemeral: [], views: [] });
  });

  it('answers 400 for a signed body that is not a Slack payload', async () => {
    const response = await invoke(signedEvent('payload=%7B%22type%22%3A%22shortcut%22%7D'));
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toEqual({
      type: 'urn:ssm-approval-webhook:problem:slack-payload-unsupported-type',
      title: 'Invalid request',
      status: 400,
      detail: 'Slack payloads of type "shortcut" are not handled; only block_actions and view_submission.',
    });
  });
});

describe('configuration', () => {
  it('without Slack credentials in the secret, fails with 500 before reading the request', async () => {
    const bare = interactionsHandler({
      loadAuthConfig: async () => ({ ...SECRET, slack: undefined }),
      routing: () => ROUTING,
      slack: (token) => webClient(slack.apiUrl, token),
      deciders,
      dispatch,
      logger,
    });
    const response = await bare(signedEvent('payload=%7B%7D'), context());
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body).type).toBe('urn:ssm-approval-webhook:problem:internal-error');
    expect(response.body).not.toContain(BOT_TOKEN);
  });
});
