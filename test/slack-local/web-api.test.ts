/**
 * The local Slack Web API driven by the official SDK (@slack/web-api's WebClient with `slackApiUrl`):
 * exact results of every method the product calls, Slack's error codes arriving as the SDK's own
 * WebAPIPlatformError, both body encodings, and response URLs.
 */
import { ErrorCode, type WebAPIPlatformError } from '@slack/web-api';
import type { LocalSlack } from '../../local/slack/server';
import { ALICE, BOB, BOT_TOKEN, OPS, startSlack, TEAM, testClock, webClient } from './support';

const BOT = { user: 'U0LOCALBOT', bot_id: 'B0LOCALBOT', app_id: 'A0LOCALAPP' };
const T0 = '2023-11-14T22:13:20.000Z';

const approvalBlocks = [
  { type: 'section', block_id: 'summary', text: { type: 'mrkdwn', text: '*Approval needed*' } },
  {
    type: 'actions',
    block_id: 'decide',
    elements: [
      {
        type: 'button',
        action_id: 'approve',
        text: { type: 'plain_text', text: 'Approve' },
        style: 'primary',
        value: 'gate-1',
      },
      {
        type: 'button',
        action_id: 'reject',
        text: { type: 'plain_text', text: 'Reject' },
        style: 'danger',
        value: 'gate-1',
      },
    ],
  },
];

/** The SDK's rejection, for asserting its code and Slack's answer. */
const rejection = async (call: Promise<unknown>): Promise<{ code: string; data: unknown }> => {
  try {
    await call;
  } catch (error) {
    const platform = error as WebAPIPlatformError;
    return { code: platform.code, data: platform.data };
  }
  throw new Error('expected the call to fail');
};

describe('the local Slack Web API through WebClient', () => {
  let slack: LocalSlack;
  let clock: ReturnType<typeof testClock>;

  beforeEach(async () => {
    clock = testClock();
    slack = await startSlack({ now: clock.now });
  });
  afterEach(() => slack.close());

  it('chat.postMessage answers {ok, channel, ts, message} and records the message', async () => {
    const client = webClient(slack.apiUrl);
    const result = await client.chat.postMessage({
      channel: '#ops',
      text: 'Approval needed',
      blocks: approvalBlocks,
    });
    expect(result).toEqual({
      ok: true,
      channel: OPS.id,
      ts: '1700000000.000000',
      message: {
        ...BOT,
        type: 'message',
        ts: '1700000000.000000',
        text: 'Approval needed',
        team: TEAM.id,
        blocks: approvalBlocks,
      },
      response_metadata: {},
    });
    const second = await client.chat.postMessage({ channel: OPS.id, text: 'second' });
    expect(second.ts).toBe('1700000000.000001');
    expect(slack.messages()).toEqual([
      {
        channel: OPS.id,
        ts: '1700000000.000000',
        text: 'Approval needed',
        blocks: approvalBlocks,
        updates: [],
        postedAt: T0,
      },
      { channel: OPS.id, ts: '1700000000.000001', text: 'second', blocks: [], updates: [], postedAt: T0 },
    ]);
  });

  it('fills in block_id and action_id where the poster left them out, as Slack does', async () => {
    const client = webClient(slack.apiUrl);
    const result = await client.chat.postMessage({
      channel: OPS.id,
      text: 't',
      blocks: [
        { type: 'divider' },
        { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Go' } }] },
      ],
    });
    const blocks = (result.message as { blocks: { block_id: string; elements?: { action_id: string }[] }[] })
      .blocks;
    expect(blocks.map((block) => block.block_id)).toEqual([
      expect.stringMatching(/^[A-Za-z0-9]{4}$/),
      expect.stringMatching(/^[A-Za-z0-9]{4}$/),
    ]);
    expect(blocks[1]?.elements?.[0]?.action_id).toMatch(/^[A-Za-z0-9]{4}$/);
    expect(slack.messages()[0]?.blocks).toEqual(blocks);
  });

  it('a post to a user id goes to the direct message with the app', async () => {
    const result = await webClient(slack.apiUrl).chat.postMessage({ channel: ALICE.id, text: 'for you' });
    expect([result.channel, slack.messages()[0]?.channel]).toEqual(['D0ALICE01', 'D0ALICE01']);
  });

  it('chat.update answers {ok, channel, ts, text, message} and keeps every version with its time', async () => {
    const client = webClient(slack.apiUrl);
    const { ts } = await client.chat.postMessage({
      channel: OPS.id,
      text: 'Approval needed',
      blocks: approvalBlocks,
    });
    clock.advance(60_000);
    const approved = [
      { type: 'section', block_id: 'summary', text: { type: 'mrkdwn', text: 'Approved by <@U0ALICE01>' } },
    ];
    const result = await client.chat.update({
      channel: OPS.id,
      ts: ts as string,
      text: 'Approved',
      blocks: approved,
    });
    expect(result).toEqual({
      ok: true,
      channel: OPS.id,
      ts: '1700000000.000000',
      text: 'Approved',
      message: {
        ...BOT,
        type: 'message',
        ts: '1700000000.000000',
        text: 'Approved',
        team: TEAM.id,
        blocks: approved,
      },
      response_metadata: {},
    });
    clock.advance(1000);
    await client.chat.update({ channel: OPS.id, ts: ts as string, text: 'Approved (text only)' });
    expect(slack.messages()).toEqual([
      {
        channel: OPS.id,
        ts: '1700000000.000000',
        text: 'Approval needed',
        blocks: approvalBlocks,
        updates: [
          { text: 'Approved', blocks: approved, at: '2023-11-14T22:14:20.000Z' },
          // Without `blocks`, chat.update keeps the blocks (Slack's documented behaviour).
          { text: 'Approved (text only)', blocks: approved, at: '2023-11-14T22:14:21.000Z' },
        ],
        postedAt: T0,
      },
    ]);
  });

  it('chat.postEphemeral answers {ok, message_ts} and records it for that user only', async () => {
    const result = await webClient(slack.apiUrl).chat.postEphemeral({
      channel: OPS.id,
      user: BOB.id,
      text: 'You may not decide',
    });
    expect(result).toEqual({ ok: true, message_ts: '1700000000.000000', response_metadata: {} });
    expect(slack.messages()).toEqual([
      {
        channel: OPS.id,
        ts: '1700000000.000000',
        text: 'You may not decide',
        blocks: [],
        updates: [],
        ephemeral: { user: BOB.id },
        postedAt: T0,
      },
    ]);
    const error = await rejection(
      webClient(slack.apiUrl).chat.update({ channel: OPS.id, ts: '1700000000.000000', text: 'x' }),
    );
    expect(error.data).toEqual({ ok: false, error: 'message_not_found', response_metadata: {} });
  });

  it('views.open takes a fresh trigger id once, and records the view for the user who pressed', async () => {
    const client = webClient(slack.apiUrl);
    const trigger = slack.workspace.newTrigger(ALICE.id);
    const view = {
      type: 'modal' as const,
      callback_id: 'reject-reason',
      private_metadata: '{"gate":"g1"}',
      title: { type: 'plain_text' as const, text: 'Reject' },
      submit: { type: 'plain_text' as const, text: 'Reject' },
      blocks: [
        {
          type: 'input',
          block_id: 'reason',
          label: { type: 'plain_text' as const, text: 'Reason' },
          element: { type: 'plain_text_input', action_id: 'text', multiline: true },
        },
      ],
    };
    const result = await client.views.open({ trigger_id: trigger, view });
    const id = (result.view as { id: string }).id;
    expect(id).toMatch(/^V[A-Z0-9]{10}$/);
    expect(result).toEqual({
      ok: true,
      view: {
        id,
        team_id: TEAM.id,
        type: 'modal',
        blocks: view.blocks,
        private_metadata: '{"gate":"g1"}',
        callback_id: 'reject-reason',
        state: { values: {} },
        hash: expect.stringMatching(/^1700000000\.[0-9a-f]{8}$/),
        title: view.title,
        clear_on_close: false,
        notify_on_close: false,
        close: null,
        submit: view.submit,
        previous_view_id: null,
        root_view_id: id,
        app_id: BOT.app_id,
        external_id: '',
        app_installed_team_id: TEAM.id,
        bot_id: BOT.bot_id,
      },
      response_metadata: {},
    });
    expect(slack.views()).toEqual([
      { user: ALICE.id, view: result.view, openedAt: T0, state: 'open', errors: {} },
    ]);

    const again = await rejection(client.views.open({ trigger_id: trigger, view }));
    expect(again).toEqual({
      code: ErrorCode.PlatformError,
      data: { ok: false, error: 'exchanged_trigger_id', response_metadata: {} },
    });
    const unknown = await rejection(client.views.open({ trigger_id: '1.2.3', view }));
    expect(unknown.data).toEqual({ ok: false, error: 'invalid_trigger_id', response_metadata: {} });
    const late = slack.workspace.newTrigger(ALICE.id);
    clock.advance(3001);
    const expired = await rejection(client.views.open({ trigger_id: late, view }));
    expect(expired.data).toEqual({ ok: false, error: 'expired_trigger_id', response_metadata: {} });
  });

  it('views.open refuses a view Slack would refuse, with Slack’s messages', async () => {
    const error = await rejection(
      webClient(slack.apiUrl).views.open({
        trigger_id: slack.workspace.newTrigger(ALICE.id),
        view: {
          type: 'modal',
          title: { type: 'plain_text', text: 'A title longer than twenty-four characters' },
          blocks: [
            {
              type: 'input',
              label: { type: 'plain_text', text: 'x' },
              element: { type: 'plain_text_input' },
            },
          ],
        },
      }),
    );
    expect(error.data).toEqual({
      ok: false,
      error: 'invalid_arguments',
      errors: [
        'must be less than 25 characters [json-pointer:/view/title/text]',
        'must provide submit when blocks contain input [json-pointer:/view/submit]',
      ],
      response_metadata: {
        messages: [
          '[ERROR] must be less than 25 characters [json-pointer:/view/title/text]',
          '[ERROR] must provide submit when blocks contain input [json-pointer:/view/submit]',
        ],
      },
    });
  });

  it('users.info, usergroups.users.list and auth.test answer as Slack does', async () => {
    const client = webClient(slack.apiUrl);
    expect(await client.users.info({ user: BOB.id })).toEqual({
      ok: true,
      user: {
        id: BOB.id,
        team_id: TEAM.id,
        name: 'bob',
        deleted: false,
        real_name: 'Bob Bystander',
        is_bot: false,
        profile: { real_name: 'Bob Bystander', display_name: 'bobby' },
      },
      response_metadata: {},
    });
    expect((await client.users.info({ user: ALICE.id })).user?.profile?.display_name).toBe('alice');
    expect((await rejection(client.users.info({ user: 'U0NOBODY' }))).data).toEqual({
      ok: false,
      error: 'user_not_found',
      response_metadata: {},
    });
    expect(await client.usergroups.users.list({ usergroup: 'S0APPROVE' })).toEqual({
      ok: true,
      users: [ALICE.id],
      response_metadata: {},
    });
    expect((await rejection(client.usergroups.users.list({ usergroup: 'S0NONE' }))).data).toEqual({
      ok: false,
      error: 'no_such_subteam',
      response_metadata: {},
    });
    expect(await client.auth.test()).toEqual({
      ok: true,
      url: 'https://approvals-local.slack.com/',
      team: 'approvals-local',
      user: 'approvals',
      team_id: TEAM.id,
      user_id: BOT.user,
      bot_id: BOT.bot_id,
      is_enterprise_install: false,
      response_metadata: {},
    });
  });

  it('refuses another token with invalid_auth, and no token with not_authed, as WebAPIPlatformError', async () => {
    const wrong = await rejection(
      webClient(slack.apiUrl, 'xoxb-wrong').chat.postMessage({ channel: OPS.id, text: 'x' }),
    );
    expect(wrong).toEqual({
      code: ErrorCode.PlatformError,
      data: { ok: false, error: 'invalid_auth', response_metadata: {} },
    });
    const none = await rejection(webClient(slack.apiUrl, '').auth.test());
    expect(none.data).toEqual({ ok: false, error: 'not_authed', response_metadata: {} });
    expect(slack.messages()).toEqual([]);
  });

  it('answers Slack’s error codes for a bad channel, message, blocks or method', async () => {
    const client = webClient(slack.apiUrl);
    const codes = async (call: Promise<unknown>) => ((await rejection(call)).data as { error: string }).error;
    expect(await codes(client.chat.postMessage({ channel: '#nowhere', text: 'x' }))).toBe(
      'channel_not_found',
    );
    expect(await codes(client.chat.update({ channel: OPS.id, ts: '1.000000', text: 'x' }))).toBe(
      'message_not_found',
    );
    expect(await codes(client.chat.postMessage({ channel: OPS.id, text: '' }))).toBe('no_text');
    expect(await codes(client.chat.postEphemeral({ channel: OPS.id, user: 'U0NOBODY', text: 'x' }))).toBe(
      'user_not_found',
    );
    expect(await codes(client.chat.postEphemeral({ channel: 'D0ALICE01', user: BOB.id, text: 'x' }))).toBe(
      'user_not_in_channel',
    );
    expect(await codes(client.apiCall('chat.scheduleMessage', { channel: OPS.id }))).toBe('unknown_method');
    expect(await codes(client.chat.postMessage({ channel: OPS.id, text: 'x'.repeat(40_001) }))).toBe(
      'msg_too_long',
    );
    const blocks = await rejection(
      client.chat.postMessage({
        channel: OPS.id,
        text: 'x',
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: 'y'.repeat(3001) } },
          {
            type: 'actions',
            elements: [{ type: 'button', text: { type: 'plain_text', text: 'Go' }, style: 'green' }],
          },
          { type: 'carousel' },
        ] as never,
      }),
    );
    expect(blocks.data).toEqual({
      ok: false,
      error: 'invalid_blocks',
      errors: [
        'must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
        'must be one of primary, danger [json-pointer:/blocks/1/elements/0/style]',
        'unsupported type: carousel [json-pointer:/blocks/2/type]',
      ],
      response_metadata: {
        messages: [
          '[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
          '[ERROR] must be one of primary, danger [json-pointer:/blocks/1/elements/0/style]',
          '[ERROR] unsupported type: carousel [json-pointer:/blocks/2/type]',
        ],
      },
    });
    expect(slack.messages()).toEqual([]);
  });

  it('takes JSON bodies with a bearer token, and a form-field token, answering HTTP 200 either way', async () => {
    const post = (body: string, headers: Record<string, string>) =>
      fetch(`${slack.apiUrl}chat.postMessage`, { method: 'POST', body, headers }).then(async (response) => [
        response.status,
        response.headers.get('content-type'),
        await response.json(),
      ]);
    expect(
      await post(JSON.stringify({ channel: OPS.id, text: 'json', blocks: approvalBlocks }), {
        'content-type': 'application/json; charset=utf-8',
        authorization: `Bearer ${BOT_TOKEN}`,
      }),
    ).toEqual([
      200,
      'application/json; charset=utf-8',
      expect.objectContaining({ ok: true, ts: '1700000000.000000' }),
    ]);
    // Slack never reads a token from a JSON body.
    expect(
      await post(JSON.stringify({ token: BOT_TOKEN, channel: OPS.id, text: 'json' }), {
        'content-type': 'application/json',
      }),
    ).toEqual([200, 'application/json; charset=utf-8', { ok: false, error: 'not_authed' }]);
    expect(
      await post(new URLSearchParams({ token: BOT_TOKEN, channel: OPS.id, text: 'form' }).toString(), {
        'content-type': 'application/x-www-form-urlencoded',
      }),
    ).toEqual([
      200,
      'application/json; charset=utf-8',
      expect.objectContaining({ ok: true, ts: '1700000000.000001' }),
    ]);
    expect(
      await post('{', { 'content-type': 'application/json', authorization: `Bearer ${BOT_TOKEN}` }),
    ).toEqual([200, 'application/json; charset=utf-8', { ok: false, error: 'invalid_json' }]);
    expect(slack.messages().map((message) => message.text)).toEqual(['json', 'form']);
    const nothing = await fetch(`${slack.url}/elsewhere`);
    expect([nothing.status, await nothing.text()]).toEqual([
      404,
      'Nothing at GET /elsewhere: the local Slack serves POST /api/<method> and POST /response/<id>.\n',
    ]);
  });

  describe('response URLs', () => {
    const respond = async (id: string, body: unknown) => {
      const response = await fetch(`${slack.url}/response/${id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return [response.status, await response.json()];
    };

    it('replace_original updates the message; otherwise an ephemeral reply, or in_channel a new message', async () => {
      const { ts } = await webClient(slack.apiUrl).chat.postMessage({
        channel: OPS.id,
        text: 'Approval needed',
        blocks: approvalBlocks,
      });
      const id = slack.workspace.newResponseUrl({ channel: OPS.id, messageTs: ts as string, user: ALICE.id });
      clock.advance(1000);
      expect(await respond(id, { replace_original: true, text: 'Approved by Alice' })).toEqual([
        200,
        { ok: true },
      ]);
      expect(await respond(id, { text: 'Only you see this' })).toEqual([200, { ok: true }]);
      expect(
        await respond(id, {
          response_type: 'in_channel',
          replace_original: false,
          text: 'Everyone sees this',
        }),
      ).toEqual([200, { ok: true }]);
      expect(await respond('nope', { text: 'x' })).toEqual([404, { ok: false, error: 'no_active_hooks' }]);
      expect(await respond(id, { text: '' })).toEqual([400, { ok: false, error: 'no_text' }]);
      const at = '2023-11-14T22:13:21.000Z';
      expect(slack.messages()).toEqual([
        {
          channel: OPS.id,
          ts: '1700000000.000000',
          text: 'Approval needed',
          blocks: approvalBlocks,
          updates: [{ text: 'Approved by Alice', blocks: [], at }],
          postedAt: T0,
        },
        {
          channel: OPS.id,
          ts: '1700000001.000000',
          text: 'Only you see this',
          blocks: [],
          updates: [],
          ephemeral: { user: ALICE.id },
          postedAt: at,
        },
        {
          channel: OPS.id,
          ts: '1700000001.000001',
          text: 'Everyone sees this',
          blocks: [],
          updates: [],
          postedAt: at,
        },
      ]);
      expect(slack.responses().map((response) => response.body)).toEqual([
        { replace_original: true, text: 'Approved by Alice' },
        { text: 'Only you see this' },
        { response_type: 'in_channel', replace_original: false, text: 'Everyone sees this' },
        { text: '' },
      ]);
      expect(await respond(id, { delete_original: true })).toEqual([200, { ok: true }]);
      expect(slack.messages()[0]?.deletedAt).toBe(at);
    });
  });
});
