/**
 * Approving from Slack on the local twin, end to end: a runbook reaches its approval step; the notifier
 * posts the gate to #approvals in the local Slack; a person presses a button on the local Slack's channel
 * page, which sends Slack's signed block_actions payload to POST /slack/interactions; the Slack function
 * checks the signature, the button and who pressed, answers Slack at once and hands the decision to itself
 * through the local Lambda Invoke API; the asynchronous invocation signals SSM as the signal role and
 * updates the message. Everything is read back from the simulator and from the local Slack's record.
 *
 * The local workspace (local/runner.ts): alice (U0LOCALALICE) may decide, bob (U0LOCALBOB) may not.
 */
import {
  blockActionsPayload,
  SLACK_USER_AGENT,
  sendInteraction,
  slackSignature,
} from '../../local/slack/interactions';
import { SLACK_CLICK_PATH, SLACK_VIEW_PATH } from '../../local/slack/page';
import {
  currentVersion,
  type LocalSlack,
  RESPONSE_URL_PREFIX,
  type RecordedMessage,
} from '../../local/slack/server';
import { directMessageChannelId, formatTs, type JsonObject } from '../../local/slack/workspace';
import { type E2E, startE2E } from './local-stack';

jest.setTimeout(60_000);

const DEMO = 'Demo-ApproveChange';
const CHANNEL = 'C0LOCALAPPROVALS';
const ALICE = 'U0LOCALALICE';
const BOB = 'U0LOCALBOB';
const TITLE = 'Demo-ApproveChange – ApproveChange';
const NOT_APPROVER = 'You are not an approver for this runbook, so nothing was changed.';
const WRONG_CHANNEL =
  'This button was not posted in this channel, so nothing was changed. Use the message the approval was posted with.';

let e2e: E2E;
let slack: LocalSlack;
beforeAll(async () => {
  e2e = await startE2E({ notify: ['alice@example.com'] });
  slack = e2e.stack.slack as LocalSlack;
});
afterAll(() => e2e?.close());

/** Polls `probe` until it returns something, for up to `ms`. */
const eventually = async <T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  ms = 15_000,
) => {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** The gate message the notifier posted in #approvals for an execution, as it is now. */
const gateMessage = (executionId: string): RecordedMessage | undefined =>
  slack
    .messages()
    .find(
      (message) =>
        message.channel === CHANNEL &&
        message.ephemeral === undefined &&
        JSON.stringify(message.blocks).includes(`*Execution*\\n${executionId}`),
    );

const postedGateMessage = (executionId: string) =>
  eventually(`the Slack message of ${executionId}`, async () => {
    await e2e.stack.notifier?.idle();
    return gateMessage(executionId);
  });

/** Where a button is in the message as it is now: `<block>:<element>`, as the page's form names it. */
const buttonAt = (message: RecordedMessage, actionId: string) => {
  const blocks = currentVersion(message).blocks;
  for (const [b, block] of blocks.entries()) {
    const elements = (Array.isArray(block.elements) ? block.elements : []) as JsonObject[];
    const e = elements.findIndex((element) => element.type === 'button' && element.action_id === actionId);
    if (e !== -1) return { position: `${b}:${e}`, block, button: elements[e] as JsonObject };
  }
  throw new Error(`no ${actionId} button in the message`);
};

/** Presses a button the way the channel page does: its form POSTs to the page's click route. */
const pressOnPage = async (user: string, message: RecordedMessage, actionId: string) => {
  const response = await fetch(`${e2e.stack.apiUrl}${SLACK_CLICK_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      user,
      channel: message.channel,
      ts: message.ts,
      version: String(message.updates.length),
      action: buttonAt(message, actionId).position,
    }),
    redirect: 'manual',
  });
  expect(response.status).toBe(303);
  // The function answered Slack; the decision it handed to itself runs on in the background.
  await e2e.stack.lambda?.idle();
};

/** The block_actions payload of a press by `user`, as the local Slack would send it. */
const pressPayload = (user: string, message: RecordedMessage, actionId: string): JsonObject => {
  const workspace = slack.workspace;
  const { block, button } = buttonAt(message, actionId);
  return blockActionsPayload(workspace, {
    user: workspace.user(user) as NonNullable<ReturnType<typeof workspace.user>>,
    message,
    button,
    blockId: String(block.block_id),
    triggerId: workspace.newTrigger(user),
    responseUrl: `${slack.url}${RESPONSE_URL_PREFIX}${workspace.newResponseUrl({ channel: message.channel, messageTs: message.ts, user })}`,
    actionTs: formatTs(Date.now() * 1000),
  });
};

const interactionsUrl = () => `${e2e.stack.apiUrl}/slack/interactions`;

/** Ephemeral messages only `user` saw, oldest first, after the first `since`. */
const ephemeralTo = (user: string, since: number) =>
  slack
    .messages()
    .slice(since)
    .filter((message) => message.ephemeral?.user === user)
    .map((message) => ({ channel: message.channel, text: message.text }));

/** The text of the message's last section now (where the outcome is shown), and whether buttons are left. */
const outcomeOf = (message: RecordedMessage) => {
  const { text, blocks } = currentVersion(message);
  const last = blocks.at(-1) as JsonObject & { text?: { text?: string } };
  return { text, last: last.text?.text, buttons: blocks.some((block) => block.type === 'actions') };
};

/** `<!date^<epoch>^{date_short_pretty} {time}|<fallback>>`, Slack's date token, as the messages write times. */
const DATE_TOKEN = '<!date\\^\\d{10}\\^\\{date_short_pretty\\} \\{time\\}\\|[^>]+>';

describe('approving from Slack', () => {
  it('alice presses Approve on the channel page: the run goes on, SSM records her, the message shows it', async () => {
    // Given: a run waits, and its gate is posted in #approvals
    const id = await e2e.start(DEMO);
    const message = await postedGateMessage(id);
    expect(outcomeOf(message)).toEqual({
      text: expect.stringMatching(/^Approval needed: Demo-ApproveChange – ApproveChange \(.+ left\)$/),
      last: undefined,
      buttons: true,
    });

    // When
    await pressOnPage(ALICE, message, 'approve');

    // Then
    expect(
      await eventually('Success', async () => ((await e2e.status(id)) === 'Success' ? true : undefined)),
    ).toBe(true);
    expect(await e2e.decisions(id)).toEqual([
      {
        Approver: 'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-signal/local',
        Decision: 'Approve',
        Comment: 'Approved via Slack by alice (U0LOCALALICE)',
        ApprovalDecisionTime: expect.any(String),
      },
    ]);
    const updated = await eventually('the message update', () => {
      const now = gateMessage(id);
      return now && now.updates.length > 0 ? now : undefined;
    });
    expect(outcomeOf(updated)).toEqual({
      text: `Approved by alice: ${TITLE}`,
      last: expect.stringMatching(
        new RegExp(`^:white_check_mark: \\*Approved\\* by <@${ALICE}> at ${DATE_TOKEN}$`),
      ),
      buttons: false,
    });
    // The page says what the app answered.
    const page = await (await fetch(`${e2e.stack.slackUrl}?as=${ALICE}`)).text();
    expect(page).toMatch(/block_actions for “Approve” as Alice: the app answered HTTP 200 in \d+ ms\./);
  });

  it('bob presses Approve: only he is told he is not an approver, and the run still waits', async () => {
    // Given
    const id = await e2e.start(DEMO);
    const message = await postedGateMessage(id);
    const before = slack.messages().length;

    // When
    const outcome = await sendInteraction(
      interactionsUrl(),
      slack.signingSecret,
      pressPayload(BOB, message, 'approve'),
    );
    await e2e.stack.lambda?.idle();

    // Then
    expect(outcome).toMatchObject({ status: 200, body: '' });
    expect(ephemeralTo(BOB, before)).toEqual([{ channel: CHANNEL, text: NOT_APPROVER }]);
    expect(ephemeralTo(ALICE, before)).toEqual([]);
    expect(await e2e.status(id)).toBe('Waiting');
    expect(await e2e.decisions(id)).toEqual([]);
    expect(gateMessage(id)?.updates).toEqual([]);
  });
});

describe('the same gate in Teams', () => {
  it('is posted as a card to the local Teams webhook change-room', async () => {
    const id = await e2e.start(DEMO);
    await postedGateMessage(id);

    const posts = (e2e.stack.teams?.posts() ?? []).filter((post) => JSON.stringify(post.cards).includes(id));

    expect(posts).toEqual([
      {
        webhook: 'change-room',
        cards: [expect.objectContaining({ type: 'AdaptiveCard' })],
        receivedAt: expect.any(String),
      },
    ]);
  });
});

describe('a decision made elsewhere', () => {
  it('updates the Slack message within seconds when the run is approved through its e-mail link', async () => {
    // Given
    const id = await e2e.start(DEMO);
    await postedGateMessage(id);
    const mail = await eventually('the e-mail', () =>
      e2e.stack.ses?.messages().find((email) => email.text?.includes(id)),
    );
    const link = /https?:\/\/\S+\/executions\/[0-9a-f-]{36}\/approve\?token=[A-Za-z0-9._-]+/.exec(
      mail.text ?? '',
    );
    const token = new URL((link as RegExpExecArray)[0]).searchParams.get('token') as string;

    // When
    const response = await e2e.post(`/executions/${id}/approve`, { form: { token }, token: null });

    // Then
    expect(response.status).toBe(200);
    expect(await e2e.status(id)).toBe('Success');
    const updated = await eventually(
      'the message update',
      () => {
        const now = gateMessage(id);
        return now && now.updates.length > 0 ? now : undefined;
      },
      5_000,
    );
    expect(outcomeOf(updated)).toEqual({
      text: `Approved by alice@example.com: ${TITLE}`,
      last: expect.stringMatching(
        new RegExp(
          `^:white_check_mark: \\*Approved\\* via e-mail link by alice@example\\.com at ${DATE_TOKEN}$`,
        ),
      ),
      buttons: false,
    });
  });
});

describe('requests that must not act', () => {
  const unchanged = async (id: string) => {
    expect(await e2e.status(id)).toBe('Waiting');
    expect(await e2e.decisions(id)).toEqual([]);
    expect(gateMessage(id)?.updates).toEqual([]);
  };

  /** POSTs `body` signed over `signedBody` at `timestamp` (seconds). */
  const postSigned = async (body: string, signedBody: string, timestamp: number) => {
    const response = await fetch(interactionsUrl(), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': SLACK_USER_AGENT,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': slackSignature(slack.signingSecret, timestamp, signedBody),
      },
      body,
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: await response.json(),
    };
  };

  it('refuses alice’s valid button value replayed from another channel: she is told, the run waits', async () => {
    // Given: the Approve button of #approvals, pressed in her direct messages with the app
    const id = await e2e.start(DEMO);
    const message = await postedGateMessage(id);
    const dm = directMessageChannelId(ALICE);
    const payload = pressPayload(ALICE, message, 'approve');
    const replayed = {
      ...payload,
      channel: { id: dm, name: 'directmessage' },
      container: { ...(payload.container as JsonObject), channel_id: dm },
    };
    const before = slack.messages().length;

    // When
    const outcome = await sendInteraction(interactionsUrl(), slack.signingSecret, replayed);
    await e2e.stack.lambda?.idle();

    // Then
    expect(outcome).toMatchObject({ status: 200, body: '' });
    expect(ephemeralTo(ALICE, before)).toEqual([{ channel: dm, text: WRONG_CHANNEL }]);
    await unchanged(id);
  });

  it('answers 401 to a request whose timestamp is more than five minutes old', async () => {
    // Given: alice's press, signed correctly, but six minutes ago (a captured request replayed)
    const id = await e2e.start(DEMO);
    const message = await postedGateMessage(id);
    const body = new URLSearchParams({
      payload: JSON.stringify(pressPayload(ALICE, message, 'approve')),
    }).toString();

    // When
    const answer = await postSigned(body, body, Math.floor(Date.now() / 1000) - 6 * 60);

    // Then
    expect(answer).toEqual({
      status: 401,
      contentType: 'application/problem+json',
      body: {
        type: 'urn:ssm-approval-webhook:problem:slack-timestamp-stale',
        title: 'Authentication required',
        status: 401,
        detail: "The request's timestamp is more than 5 minutes from the current time.",
      },
    });
    await e2e.stack.lambda?.idle();
    await unchanged(id);
  });

  it('answers 401 to a body changed after Slack signed it', async () => {
    // Given: bob's press, signed; then the payload's user changed to alice
    const id = await e2e.start(DEMO);
    const message = await postedGateMessage(id);
    const payload = pressPayload(BOB, message, 'approve');
    const signed = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const tampered = new URLSearchParams({
      payload: JSON.stringify({
        ...payload,
        user: { ...(payload.user as JsonObject), id: ALICE, username: 'alice', name: 'alice' },
      }),
    }).toString();

    // When
    const answer = await postSigned(tampered, signed, Math.floor(Date.now() / 1000));

    // Then
    expect(answer).toEqual({
      status: 401,
      contentType: 'application/problem+json',
      body: {
        type: 'urn:ssm-approval-webhook:problem:slack-signature-invalid',
        title: 'Authentication required',
        status: 401,
        detail: 'The request has an invalid Slack signature.',
      },
    });
    await e2e.stack.lambda?.idle();
    await unchanged(id);
  });
});

describe('rejecting from Slack', () => {
  it('Reject opens a modal asking for a reason; submitting one rejects with it', async () => {
    // Given
    const id = await e2e.start(DEMO);
    const message = await postedGateMessage(id);
    const viewsBefore = slack.views().length;

    // When: alice presses Reject
    await pressOnPage(ALICE, message, 'reject');

    // Then: a modal is open for her, and nothing is decided yet
    const [opened] = slack.views().slice(viewsBefore);
    expect(opened).toMatchObject({ user: ALICE, state: 'open' });
    const view = opened?.view as JsonObject & { blocks: JsonObject[] };
    expect(view.title).toEqual({ type: 'plain_text', text: 'Reject' });
    expect(view.submit).toEqual({ type: 'plain_text', text: 'Reject' });
    const input = view.blocks.findIndex((block) => block.type === 'input');
    expect(view.blocks[input]?.label).toEqual({ type: 'plain_text', text: 'Reason for rejecting' });
    expect(await e2e.status(id)).toBe('Waiting');

    // When: she submits a reason on the page
    const response = await fetch(`${e2e.stack.apiUrl}${SLACK_VIEW_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        user: ALICE,
        view_id: String(view.id),
        [`input:${input}`]: 'Freeze window until Monday',
      }),
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    await e2e.stack.lambda?.idle();

    // Then
    expect(slack.views().find((candidate) => candidate.view.id === view.id)?.state).toBe('submitted');
    expect(
      await eventually('Failed', async () => ((await e2e.status(id)) === 'Failed' ? true : undefined)),
    ).toBe(true);
    expect(await e2e.decisions(id)).toEqual([
      {
        Approver: 'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-signal/local',
        Decision: 'Reject',
        Comment: 'Rejected via Slack by alice (U0LOCALALICE): Freeze window until Monday',
        ApprovalDecisionTime: expect.any(String),
      },
    ]);
    const updated = await eventually('the message update', () => {
      const now = gateMessage(id);
      return now && now.updates.length > 0 ? now : undefined;
    });
    expect(outcomeOf(updated)).toEqual({
      text: `Rejected by alice: ${TITLE}`,
      last: expect.stringMatching(
        new RegExp(`^:x: \\*Rejected\\* by <@${ALICE}> at ${DATE_TOKEN} — Freeze window until Monday$`),
      ),
      buttons: false,
    });
  });
});
