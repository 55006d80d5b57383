import { ValidationError } from '../../lambda/core/errors';
import { parseInteractionPayload } from '../../lambda/slack/payload';
import { describeError, thrownBy } from '../auth/fixtures';

/**
 * Slack's documented block_actions example
 * (https://docs.slack.dev/reference/interaction-payloads/block_actions-payload): a button in a message
 * attachment, with the full message and fields this module does not read (token, text, blocks, ...).
 */
const blockActions = (): Record<string, unknown> => ({
  type: 'block_actions',
  team: { id: 'T9TK3CUKW', domain: 'example' },
  user: { id: 'UA8RXUSPL', username: 'jtorrance', name: 'jtorrance', team_id: 'T9TK3CUKW' },
  api_app_id: 'AABA1ABCD',
  token: '9s8d9as89d8as9d8as989',
  container: {
    type: 'message_attachment',
    message_ts: '1548261231.000200',
    attachment_id: 1,
    channel_id: 'CBR2V3XEX',
    is_ephemeral: false,
    is_app_unfurl: false,
  },
  trigger_id: '12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3',
  channel: { id: 'CBR2V3XEX', name: 'review-updates' },
  message: {
    bot_id: 'BAH5CA16Z',
    type: 'message',
    text: "This content can't be displayed.",
    user: 'UAJ2RU415',
    ts: '1548261231.000200',
    team: 'T9TK3CUKW',
    blocks: [
      {
        type: 'section',
        block_id: '=qXel',
        text: { type: 'mrkdwn', text: 'Deploy to production waits for approval', verbatim: false },
        accessory: {
          type: 'button',
          action_id: 'WaXA',
          text: { type: 'plain_text', text: 'View', emoji: true },
          value: 'click_me_123',
        },
      },
    ],
  },
  response_url: 'https://hooks.slack.com/actions/AABA1ABCD/1232321423432/D09sSasdasdAS9091209',
  actions: [
    {
      action_id: 'WaXA',
      block_id: '=qXel',
      text: { type: 'plain_text', text: 'View', emoji: true },
      value: 'click_me_123',
      type: 'button',
      action_ts: '1548426417.840180',
    },
  ],
});

/**
 * Slack's documented view_submission example
 * (https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload); the example elides
 * team and user, filled in here as in the block_actions example.
 */
const viewSubmission = (): Record<string, unknown> => ({
  type: 'view_submission',
  team: { id: 'T9TK3CUKW', domain: 'example' },
  user: { id: 'UA8RXUSPL', username: 'jtorrance', name: 'jtorrance', team_id: 'T9TK3CUKW' },
  api_app_id: 'AABA1ABCD',
  token: '9s8d9as89d8as9d8as989',
  trigger_id: '12466734323.1395872398.2fe34b5e4a0d4bc1a1e83c3a5a8c1c3d',
  view: {
    id: 'VNHU13V36',
    type: 'modal',
    title: { type: 'plain_text', text: 'Reject' },
    submit: { type: 'plain_text', text: 'Submit' },
    blocks: [
      {
        type: 'input',
        block_id: 'multi-line',
        label: { type: 'plain_text', text: 'Enter your value' },
        element: { type: 'plain_text_input', multiline: true, action_id: 'ml-value' },
      },
    ],
    private_metadata: 'shhh-its-secret',
    callback_id: 'modal-with-inputs',
    state: {
      values: {
        'multi-line': {
          'ml-value': { type: 'plain_text_input', value: 'This is my example inputted value' },
        },
      },
    },
    hash: '156663117.cd33ad1f',
  },
  response_urls: [],
});

/** The body Slack POSTs: `payload=<url-encoded JSON>` (spaces as %20, as encodeURIComponent does). */
const form = (payload: unknown): string => `payload=${encodeURIComponent(JSON.stringify(payload))}`;

const refusal = (body: Buffer | string) => {
  const error = thrownBy(() => parseInteractionPayload(body));
  expect(error).toBeInstanceOf(ValidationError);
  return describeError(error);
};

const invalid = (problem: string) => ({
  name: 'ValidationError',
  status: 400,
  reason: 'invalid-slack-payload',
  message: `The Slack payload is not valid: ${problem}.`,
});

/**
 * A copy of `payload` with fields changed: each key is a dotted path (`actions.0.value`), each value the
 * new one; `undefined` removes the field.
 */
const changed = (
  payload: Record<string, unknown>,
  changes: Record<string, unknown>,
): Record<string, unknown> => {
  const copy = structuredClone(payload);
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    const last = keys.pop() as string;
    let target = copy;
    for (const key of keys) target = target[key] as Record<string, unknown>;
    if (value === undefined) delete target[last];
    else target[last] = value;
  }
  return copy;
};

describe('parseInteractionPayload: block_actions', () => {
  const EXPECTED = {
    type: 'block_actions',
    user: { id: 'UA8RXUSPL', username: 'jtorrance', name: 'jtorrance', team_id: 'T9TK3CUKW' },
    team: { id: 'T9TK3CUKW', domain: 'example' },
    api_app_id: 'AABA1ABCD',
    channel: { id: 'CBR2V3XEX', name: 'review-updates' },
    container: {
      type: 'message_attachment',
      message_ts: '1548261231.000200',
      channel_id: 'CBR2V3XEX',
      is_ephemeral: false,
    },
    message: { ts: '1548261231.000200' },
    actions: [
      {
        type: 'button',
        action_id: 'WaXA',
        block_id: '=qXel',
        value: 'click_me_123',
        action_ts: '1548426417.840180',
      },
    ],
    trigger_id: '12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3',
    response_url: 'https://hooks.slack.com/actions/AABA1ABCD/1232321423432/D09sSasdasdAS9091209',
  };

  it("parses Slack's documented example, keeping only the fields it validated", () => {
    expect(parseInteractionPayload(form(blockActions()))).toStrictEqual(EXPECTED);
  });

  it('parses the raw bytes as well as their text, and form encoding with + for spaces', () => {
    expect(parseInteractionPayload(Buffer.from(form(blockActions())))).toStrictEqual(EXPECTED);
    const plus = new URLSearchParams({ payload: JSON.stringify(blockActions()) }).toString();
    expect(plus).toContain('+');
    expect(parseInteractionPayload(plus)).toStrictEqual(EXPECTED);
  });

  it('parses a button in the message blocks (container "message"), in a thread, from an enterprise', () => {
    const payload = changed(blockActions(), {
      container: { type: 'message', message_ts: '1548261231.000200', channel_id: 'CBR2V3XEX' },
      'message.thread_ts': '1548261000.000100',
      enterprise: { id: 'E0ABCDEF1', name: 'Example Corp' },
      is_enterprise_install: false,
    });
    expect(parseInteractionPayload(form(payload))).toStrictEqual({
      ...EXPECTED,
      enterprise: { id: 'E0ABCDEF1', name: 'Example Corp' },
      container: { type: 'message', message_ts: '1548261231.000200', channel_id: 'CBR2V3XEX' },
      message: { ts: '1548261231.000200', thread_ts: '1548261000.000100' },
    });
  });

  it('takes the optional fields as absent (user name, team domain, channel name, app id, action_ts)', () => {
    const payload = changed(blockActions(), {
      user: { id: 'UA8RXUSPL' },
      team: { id: 'T9TK3CUKW' },
      channel: { id: 'CBR2V3XEX' },
      enterprise: null,
      api_app_id: undefined,
      'actions.0.action_ts': undefined,
      'container.is_ephemeral': undefined,
    });
    expect(parseInteractionPayload(form(payload))).toStrictEqual({
      type: 'block_actions',
      user: { id: 'UA8RXUSPL' },
      team: { id: 'T9TK3CUKW' },
      channel: { id: 'CBR2V3XEX' },
      container: { type: 'message_attachment', message_ts: '1548261231.000200', channel_id: 'CBR2V3XEX' },
      message: { ts: '1548261231.000200' },
      actions: [{ type: 'button', action_id: 'WaXA', block_id: '=qXel', value: 'click_me_123' }],
      trigger_id: '12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3',
      response_url: 'https://hooks.slack.com/actions/AABA1ABCD/1232321423432/D09sSasdasdAS9091209',
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no user', { user: undefined }, '"user" must be an object'],
    ['a user without id', { 'user.id': undefined }, '"user.id" must be a Slack id'],
    ['a lower-case user id', { 'user.id': 'ua8rxuspl' }, '"user.id" must be a Slack id'],
    ['a numeric user name', { 'user.username': 7 }, '"user.username" must be a string'],
    ['a team of null (org-wide install)', { team: null }, '"team" must be an object'],
    ['a team id that is not a Slack id', { 'team.id': 'T9TK3CUKW<script>' }, '"team.id" must be a Slack id'],
    ['no channel (a button in a modal)', { channel: undefined }, '"channel" must be an object'],
    [
      'a view container',
      { container: { type: 'view', view_id: 'V0PKB1ZFV' } },
      '"container.type" must be "message" or "message_attachment" (only buttons in channel messages are handled)',
    ],
    [
      'a container message_ts that is no timestamp',
      { 'container.message_ts': 1548261231.0002 },
      '"container.message_ts" must be a Slack message timestamp',
    ],
    [
      'a container in another channel',
      { 'container.channel_id': 'C0OTHER01' },
      '"container.channel_id" and "channel.id" name different channels',
    ],
    [
      'an is_ephemeral of "false"',
      { 'container.is_ephemeral': 'false' },
      '"container.is_ephemeral" must be true or false',
    ],
    ['no message', { message: undefined }, '"message" must be an object'],
    ['a message without ts', { 'message.ts': undefined }, '"message.ts" must be a Slack message timestamp'],
    [
      'a bad thread_ts',
      { 'message.thread_ts': 'x' },
      '"message.thread_ts" must be a Slack message timestamp',
    ],
    ['no actions', { actions: undefined }, '"actions" must be an array'],
    ['an empty actions array', { actions: [] }, '"actions" must hold exactly one action, not 0'],
    [
      'two actions',
      { actions: [blockActions().actions, blockActions().actions].flat() },
      '"actions" must hold exactly one action, not 2',
    ],
    ['an action that is not an object', { actions: ['click'] }, '"actions[0]" must be an object'],
    ['a select menu action', { 'actions.0.type': 'static_select' }, '"actions[0].type" must be "button"'],
    ['a button without value', { 'actions.0.value': undefined }, '"actions[0].value" must be a string'],
    ['an empty button value', { 'actions.0.value': '' }, '"actions[0].value" must not be empty'],
    [
      'a value over 2000 characters',
      { 'actions.0.value': 'x'.repeat(2001) },
      '"actions[0].value" must be at most 2000 characters',
    ],
    [
      'an action without action_id',
      { 'actions.0.action_id': undefined },
      '"actions[0].action_id" must be a string',
    ],
    [
      'a block_id over 255 characters',
      { 'actions.0.block_id': 'b'.repeat(256) },
      '"actions[0].block_id" must be at most 255 characters',
    ],
    ['no trigger_id', { trigger_id: undefined }, '"trigger_id" must be a string'],
    ['no response_url', { response_url: undefined }, '"response_url" must be a string'],
    ['a relative response_url', { response_url: '/actions/x' }, '"response_url" must be an absolute URL'],
    [
      'a javascript: response_url',
      { response_url: 'javascript:alert(1)' },
      '"response_url" must be an https URL',
    ],
    ['an enterprise without id', { enterprise: { name: 'x' } }, '"enterprise.id" must be a Slack id'],
    ['an app id that is not a Slack id', { api_app_id: 'app' }, '"api_app_id" must be a Slack id'],
  ])('refuses %s, naming the field', (_, change, problem) => {
    expect(refusal(form(changed(blockActions(), change)))).toEqual(invalid(problem));
  });
});

describe('parseInteractionPayload: view_submission', () => {
  const EXPECTED = {
    type: 'view_submission',
    user: { id: 'UA8RXUSPL', username: 'jtorrance', name: 'jtorrance', team_id: 'T9TK3CUKW' },
    team: { id: 'T9TK3CUKW', domain: 'example' },
    api_app_id: 'AABA1ABCD',
    view: {
      id: 'VNHU13V36',
      callback_id: 'modal-with-inputs',
      private_metadata: 'shhh-its-secret',
      hash: '156663117.cd33ad1f',
      state: {
        values: {
          'multi-line': {
            'ml-value': { type: 'plain_text_input', value: 'This is my example inputted value' },
          },
        },
      },
    },
    trigger_id: '12466734323.1395872398.2fe34b5e4a0d4bc1a1e83c3a5a8c1c3d',
  };

  it("parses Slack's documented example, keeping only the fields it validated", () => {
    expect(parseInteractionPayload(form(viewSubmission()))).toStrictEqual(EXPECTED);
  });

  it('keeps an empty optional input as null, other elements by type only, and empty ids as sent', () => {
    const payload = changed(viewSubmission(), {
      'view.callback_id': '',
      'view.private_metadata': '',
      'view.hash': undefined,
      'view.state.values': {
        reason: { text: { type: 'plain_text_input', value: null } },
        pick: { choice: { type: 'static_select', selected_option: { value: 'a' } } },
      },
    });
    expect(parseInteractionPayload(form(payload))).toStrictEqual({
      ...EXPECTED,
      view: {
        id: 'VNHU13V36',
        callback_id: '',
        private_metadata: '',
        state: {
          values: {
            reason: { text: { type: 'plain_text_input', value: null } },
            pick: { choice: { type: 'static_select' } },
          },
        },
      },
    });
  });

  it('keeps a block id "__proto__" as a key (never as the prototype)', () => {
    const json = JSON.stringify(viewSubmission()).replace('"multi-line":{', '"__proto__":{');
    const parsed = parseInteractionPayload(`payload=${encodeURIComponent(json)}`);
    if (parsed.type !== 'view_submission') throw new Error('expected a view_submission');
    const { values } = parsed.view.state;
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
    expect(Object.entries(values)).toEqual([
      ['__proto__', { 'ml-value': { type: 'plain_text_input', value: 'This is my example inputted value' } }],
    ]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no view', { view: undefined }, '"view" must be an object'],
    ['a view id that is not a Slack id', { 'view.id': 'v1' }, '"view.id" must be a Slack id'],
    ['no callback_id', { 'view.callback_id': undefined }, '"view.callback_id" must be a string'],
    [
      'no private_metadata',
      { 'view.private_metadata': undefined },
      '"view.private_metadata" must be a string',
    ],
    [
      'private_metadata over 3000 characters',
      { 'view.private_metadata': 'm'.repeat(3001) },
      '"view.private_metadata" must be at most 3000 characters',
    ],
    ['no state', { 'view.state': undefined }, '"view.state" must be an object'],
    ['state without values', { 'view.state': {} }, '"view.state.values" must be an object'],
    [
      'a block state that is not an object',
      { 'view.state.values.multi-line': 'x' },
      '"view.state.values.multi-line" must be an object',
    ],
    [
      'an element state without type',
      { 'view.state.values.multi-line.ml-value.type': undefined },
      '"view.state.values.multi-line.ml-value.type" must be a string',
    ],
    [
      'a numeric input value',
      { 'view.state.values.multi-line.ml-value.value': 42 },
      '"view.state.values.multi-line.ml-value.value" must be a string or null',
    ],
    [
      'an empty block id',
      { 'view.state.values.': {} },
      'a key of "view.state.values" must be 1 to 255 characters',
    ],
    [
      'an action id over 255 characters',
      { [`view.state.values.multi-line.${'a'.repeat(256)}`]: { type: 'plain_text_input', value: 'x' } },
      'a key of "view.state.values.multi-line" must be 1 to 255 characters',
    ],
    ['no trigger_id', { trigger_id: undefined }, '"trigger_id" must be a string'],
    ['no user', { user: undefined }, '"user" must be an object'],
    ['a team of null (org-wide install)', { team: null }, '"team" must be an object'],
  ])('refuses %s, naming the field', (_, change, problem) => {
    expect(refusal(form(changed(viewSubmission(), change)))).toEqual(invalid(problem));
  });
});

describe('parseInteractionPayload: the form and the JSON', () => {
  const MISSING = {
    name: 'ValidationError',
    status: 400,
    reason: 'slack-payload-missing',
    message: 'The body has no "payload" field (Slack sends payload=<JSON>).',
  };

  it.each(['', 'token=abc', 'payload=', `Payload=${encodeURIComponent('{}')}`])(
    'refuses a body without a payload field: %j',
    (body) => {
      expect(refusal(body)).toEqual(MISSING);
    },
  );

  it('refuses two payload fields', () => {
    expect(refusal(`${form(blockActions())}&${form(viewSubmission())}`)).toEqual({
      ...MISSING,
      message: 'The body has more than one "payload" field.',
    });
  });

  it('ignores other form fields', () => {
    expect(parseInteractionPayload(`${form(viewSubmission())}&extra=1`).type).toBe('view_submission');
  });

  it.each(['payload=%7B', 'payload=not-json', `payload=${encodeURIComponent('{"type":"block_actions",}')}`])(
    'refuses a payload that is not JSON, without quoting it: %j',
    (body) => {
      expect(refusal(body)).toEqual({
        name: 'ValidationError',
        status: 400,
        reason: 'slack-payload-not-json',
        message: 'The "payload" field is not valid JSON.',
      });
    },
  );

  it.each(['[]', '"block_actions"', 'null', '1'])(
    'refuses a JSON payload that is not an object: %s',
    (json) => {
      expect(refusal(`payload=${encodeURIComponent(json)}`)).toEqual({
        name: 'ValidationError',
        status: 400,
        reason: 'slack-payload-not-json',
        message: 'The "payload" field must be a JSON object.',
      });
    },
  );

  it('refuses other payload types, naming them', () => {
    expect(refusal(form({ ...viewSubmission(), type: 'view_closed' }))).toEqual({
      name: 'ValidationError',
      status: 400,
      reason: 'slack-payload-unsupported-type',
      message:
        'Slack payloads of type "view_closed" are not handled; only block_actions and view_submission.',
    });
    expect(refusal(form({ ...blockActions(), type: 'x'.repeat(100) })).message).toBe(
      `Slack payloads of type "${'x'.repeat(64)}" are not handled; only block_actions and view_submission.`,
    );
  });

  it('refuses a payload without type', () => {
    const { type: _, ...untyped } = blockActions();
    expect(refusal(form(untyped))).toEqual({
      name: 'ValidationError',
      status: 400,
      reason: 'slack-payload-unsupported-type',
      message: 'The Slack payload has no "type".',
    });
  });

  it('never puts the response_url or the payload into an error', () => {
    const error = thrownBy(() =>
      parseInteractionPayload(form(changed(blockActions(), { 'actions.0.type': 'overflow' }))),
    ) as Error;
    const text = JSON.stringify(describeError(error)) + String(error.stack);
    expect(text).not.toContain('hooks.slack.com');
    expect(error.cause).toBeUndefined();
  });
});
