/**
 * The local Slack channel page: its JSON contract, mrkdwn and Block Kit drawn and escaped, and its routes
 * served by a small HTTP server of the test's own (as the local API would serve them): a button press
 * sends a block_actions payload whose Slack signature verifies, a modal opened by the app through
 * views.open submits a view_submission payload, and the app's answers show on the page.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { localRouteListener } from '../../local/slack/local-route';
import { mrkdwnHtml } from '../../local/slack/mrkdwn';
import {
  renderSlackPage,
  SLACK_PAGE_CONTENT_SECURITY_POLICY,
  slackJson,
  slackPages,
  slackRoutes,
} from '../../local/slack/page';
import { renderBlocks } from '../../local/slack/render';
import type { LocalSlack, RecordedMessage } from '../../local/slack/server';
import {
  ALICE,
  APPROVERS,
  BOB,
  type InteractionsServer,
  OPS,
  SIGNING_SECRET,
  startInteractionsServer,
  startSlack,
  TEAM,
  testClock,
  webClient,
} from './support';

const DIRECTORY = { users: [ALICE, BOB], channels: [OPS], userGroups: [APPROVERS] };

const message = (overrides: Partial<RecordedMessage> = {}): RecordedMessage => ({
  channel: OPS.id,
  ts: '1700000000.000000',
  text: 'Approval needed',
  blocks: [],
  updates: [],
  postedAt: '2023-11-14T22:13:20.000Z',
  ...overrides,
});

describe('slackJson', () => {
  it('is [{channel, ts, text, blocks, updates, ephemeral?, postedAt}], newest last, with optional keys only when set', () => {
    const blocks = [{ type: 'divider', block_id: 'd' }];
    expect(
      slackJson([
        message({ updates: [{ text: 'Approved', blocks, at: '2023-11-14T22:14:00.000Z' }] }),
        message({ ts: '1700000000.000001', ephemeral: { user: BOB.id }, threadTs: '1700000000.000000' }),
        message({ ts: '1700000000.000002', deletedAt: '2023-11-14T22:15:00.000Z' }),
      ]),
    ).toBe(
      '[{"channel":"C0OPS0001","ts":"1700000000.000000","text":"Approval needed","blocks":[],"updates":[{"text":"Approved","blocks":[{"type":"divider","block_id":"d"}],"at":"2023-11-14T22:14:00.000Z"}],"postedAt":"2023-11-14T22:13:20.000Z"},' +
        '{"channel":"C0OPS0001","ts":"1700000000.000001","threadTs":"1700000000.000000","text":"Approval needed","blocks":[],"updates":[],"ephemeral":{"user":"U0BOB0001"},"postedAt":"2023-11-14T22:13:20.000Z"},' +
        '{"channel":"C0OPS0001","ts":"1700000000.000002","text":"Approval needed","blocks":[],"updates":[],"deletedAt":"2023-11-14T22:15:00.000Z","postedAt":"2023-11-14T22:13:20.000Z"}]',
    );
    expect(slackJson([])).toBe('[]');
  });
});

describe('mrkdwnHtml', () => {
  it.each([
    [
      '*Approval needed* for _Demo-ApproveChange_ ~old~ `code <b>` and snake_case_name, 2 * 3 * 4',
      '<strong>Approval needed</strong> for <em>Demo-ApproveChange</em> <del>old</del> <code>code &lt;b&gt;</code> and snake_case_name, 2 * 3 * 4',
    ],
    [
      '<https://x.example/a?b=1&amp;c=2|Open execution> <https://y.example> <mailto:a@example.com|mail>',
      '<a href="https://x.example/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">Open execution</a> <a href="https://y.example" target="_blank" rel="noopener noreferrer">https://y.example</a> <a href="mailto:a@example.com" target="_blank" rel="noopener noreferrer">mail</a>',
    ],
    [
      '<@U0BOB0001> <@U0NOBODY|someone> <#C0OPS0001> <!here> <!subteam^S0APPROVE> <!date^1700000000^{date}|14 Nov>',
      '<span class="mention">@bobby</span> <span class="mention">@someone</span> <span class="mention">#ops</span> <span class="mention">@here</span> <span class="mention">@approvers</span> 14 Nov',
    ],
    [
      '*<https://a.example|bold link>* :white_check_mark: :no_such_emoji:',
      '<strong><a href="https://a.example" target="_blank" rel="noopener noreferrer">bold link</a></strong> \u2705 :no_such_emoji:',
    ],
    [
      '> quoted\n> more\nafter\n```multi\n*line* <b>```',
      '<blockquote>quoted<br>more</blockquote>after<br><pre>multi\n*line* &lt;b&gt;</pre>',
    ],
    [
      '<javascript:alert(1)|click me> &lt;script&gt;alert(1)&lt;/script&gt; <script>alert("x")</script> "q" \'a\' &amp;lt;',
      'click me &lt;script&gt;alert(1)&lt;/script&gt; &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &quot;q&quot; &#39;a&#39; &amp;lt;',
    ],
  ])('%j', (text, expected) => {
    expect(mrkdwnHtml(text, DIRECTORY).value).toBe(expected);
  });
});

describe('renderBlocks', () => {
  it('draws header, section (text, fields, accessory), context, divider and actions as Slack lays them out', () => {
    expect(
      renderBlocks(
        [
          { type: 'header', text: { type: 'plain_text', text: 'Approval <needed>' } },
          {
            type: 'section',
            block_id: 's',
            text: { type: 'mrkdwn', text: '*Runbook* Demo' },
            fields: [
              { type: 'mrkdwn', text: '*Step*\napprove' },
              { type: 'plain_text', text: '*not bold*' },
            ],
            accessory: {
              type: 'button',
              action_id: 'open',
              text: { type: 'plain_text', text: 'Open' },
              url: 'https://console.example/?a=1&b="2"',
            },
          },
          {
            type: 'context',
            elements: [
              { type: 'mrkdwn', text: 'Started by <@U0ALICE01>' },
              { type: 'image', image_url: 'https://i.example/a.png', alt_text: 'logo' },
            ],
          },
          { type: 'divider' },
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                action_id: 'approve',
                text: { type: 'plain_text', text: 'Approve' },
                style: 'primary',
              },
              {
                type: 'button',
                action_id: 'reject',
                text: { type: 'plain_text', text: 'Reject' },
                style: 'danger',
              },
              { type: 'button', action_id: 'more', text: { type: 'plain_text', text: 'Details' } },
              { type: 'overflow', action_id: 'o', options: [] },
            ],
          },
          { type: 'video' },
        ],
        { directory: DIRECTORY, buttons: 'live' },
      ).value,
    ).toBe(
      [
        '<div class="sk-header">Approval &lt;needed&gt;</div>',
        '<div class="sk-section"><div class="sk-section-main"><div class="sk-text"><strong>Runbook</strong> Demo</div><div class="sk-fields"><div><strong>Step</strong><br>approve</div><div>*not bold*</div></div></div>',
        '<div class="sk-accessory"><a class="sk-button" href="https://console.example/?a=1&amp;b=&quot;2&quot;" target="_blank" rel="noopener noreferrer">Open<span class="visually-hidden"> (opens a new tab)</span></a></div></div>',
        '<div class="sk-context"><span>Started by <span class="mention">@alice</span></span><a class="sk-image" href="https://i.example/a.png" target="_blank" rel="noopener noreferrer">[image: logo]</a></div>',
        '<hr class="sk-divider">',
        '<div class="sk-actions"><button class="sk-button sk-primary" type="submit" name="action" value="4:0">Approve</button><button class="sk-button sk-danger" type="submit" name="action" value="4:1">Reject</button><button class="sk-button" type="submit" name="action" value="4:2">Details</button><span class="sk-unsupported" title="Not drawn by the local Slack">[overflow]</span></div>',
        '<div class="sk-unsupported">[video block: not drawn by the local Slack]</div>',
      ].join(''),
    );
  });

  it('draws buttons inert where nothing can be pressed', () => {
    expect(
      renderBlocks(
        [
          {
            type: 'actions',
            elements: [{ type: 'button', text: { type: 'plain_text', text: 'Go' }, style: 'primary' }],
          },
        ],
        { directory: DIRECTORY, buttons: 'inert' },
      ).value,
    ).toBe('<div class="sk-actions"><span class="sk-button sk-inert sk-primary">Go</span></div>');
  });
});

describe('renderSlackPage', () => {
  const workspace = {
    team: TEAM,
    users: [ALICE, BOB],
    channels: [OPS],
    userGroups: [APPROVERS],
    bot: { userId: 'U0LOCALBOT', botId: 'B0LOCALBOT', appId: 'A0LOCALAPP', name: 'approvals' },
  };

  it('shows each message with a form per message, its earlier versions inert, escaping what the app wrote', () => {
    const page = renderSlackPage({
      workspace,
      messages: [
        message({
          blocks: [
            {
              type: 'section',
              block_id: 's',
              text: { type: 'mrkdwn', text: '<script>alert(1)</script> *needed*' },
            },
            {
              type: 'actions',
              block_id: 'a',
              elements: [
                {
                  type: 'button',
                  action_id: 'go',
                  text: { type: 'plain_text', text: '"Go"' },
                  style: 'primary',
                },
              ],
            },
          ],
          updates: [
            {
              text: 'Approved',
              blocks: [
                {
                  type: 'section',
                  block_id: 's',
                  text: { type: 'mrkdwn', text: 'Approved by <@U0ALICE01>' },
                },
              ],
              at: '2023-11-14T22:13:25.000Z',
            },
          ],
        }),
      ],
      views: [],
      actingUser: ALICE,
      interactionsUrl: 'http://127.0.0.1:3000/slack/interactions?a=1&b=2',
      notices: [{ kind: 'error', text: 'the app answered <b>500</b>' }],
    });
    expect(page).not.toMatch(/<script|<b>/i);
    expect(page).toContain('<title>Local Slack: approvals-local</title>');
    expect(page).toContain(
      '<option value="U0ALICE01" selected>Alice Approver (@alice)</option><option value="U0BOB0001">Bob Bystander (@bob)</option>',
    );
    expect(page).toContain('to <code>http://127.0.0.1:3000/slack/interactions?a=1&amp;b=2</code>.');
    expect(page).toContain(
      '<ul class="notices" role="status"><li class="notice notice-error">the app answered &lt;b&gt;500&lt;/b&gt;</li></ul>',
    );
    expect(page).toContain(`<section class="channel" aria-labelledby="channel-C0OPS0001">
<h2 id="channel-C0OPS0001">#ops</h2>
<ol class="messages">
<li class="message" id="m-C0OPS0001-1700000000-000000">
<div class="avatar" aria-hidden="true">A</div>
<div class="body">
<div class="meta"><span class="who">approvals</span> <span class="app-badge">APP</span> <a href="#m-C0OPS0001-1700000000-000000"><time datetime="2023-11-14T22:13:20.000Z">22:13:20 UTC</time></a> <span class="muted">(edited <time datetime="2023-11-14T22:13:25.000Z">22:13:25 UTC</time>)</span></div>
<form method="post" action="/_local/slack/click"><input type="hidden" name="user" value="U0ALICE01"><input type="hidden" name="channel" value="C0OPS0001"><input type="hidden" name="ts" value="1700000000.000000"><input type="hidden" name="version" value="1">
<div class="sk-section"><div class="sk-section-main"><div class="sk-text">Approved by <span class="mention">@alice</span></div></div></div></form><details><summary>Earlier versions (1)</summary><ol><li><div class="muted">Posted <time datetime="2023-11-14T22:13:20.000Z">22:13:20 UTC</time></div><div class="sk-section"><div class="sk-section-main"><div class="sk-text">&lt;script&gt;alert(1)&lt;/script&gt; <strong>needed</strong></div></div></div><div class="sk-actions"><span class="sk-button sk-inert sk-primary">&quot;Go&quot;</span></div></li></ol></details>
</div>
</li>
</ol>
</section>
</main>`);
  });

  it('shows ephemeral and direct messages only to their user, and says how many are hidden', () => {
    const messages = [
      message({ text: 'for everyone' }),
      message({ ts: '1700000000.000001', text: 'only Bob', ephemeral: { user: BOB.id } }),
      message({ channel: 'D0BOB0001', ts: '1700000000.000002', text: 'DM to Bob' }),
    ];
    const asAlice = renderSlackPage({
      workspace,
      messages,
      views: [],
      actingUser: ALICE,
      interactionsUrl: undefined,
    });
    expect(asAlice).toContain('<div class="sk-text">for everyone</div>');
    expect(asAlice).not.toContain('only Bob');
    expect(asAlice).not.toContain('DM to Bob');
    expect(asAlice).toContain(
      '<p class="hidden">2 messages only other people see (ephemeral or direct messages) are not shown: act as them to see them.</p>',
    );
    expect(asAlice).toContain('<strong>no interactions URL (none is set)</strong>');
    const asBob = renderSlackPage({
      workspace,
      messages,
      views: [],
      actingUser: BOB,
      interactionsUrl: undefined,
    });
    expect(asBob).toContain(' <span class="only-you">Only visible to you</span></div>');
    expect(asBob).toContain('<div class="sk-text">only Bob</div>');
    expect(asBob).toContain('<h2 id="channel-D0BOB0001">Direct messages between approvals and you</h2>');
    expect(asBob).not.toContain('class="hidden"');
  });

  it('says so when there is no message yet', () => {
    expect(
      renderSlackPage({ workspace, messages: [], views: [], actingUser: ALICE, interactionsUrl: undefined }),
    ).toContain(
      '<p class="empty">No message yet. Messages appear here when a runbook reaches an approval step that notifies Slack.</p>',
    );
  });
});

/** A stand-in for the local API: the page's routes on a server of their own. */
const startPageServer = async (slack: LocalSlack): Promise<{ url: string; server: Server }> => {
  const server = createServer(localRouteListener(slackRoutes(slack)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
};

const signatureOf = (timestamp: string, body: string): string =>
  `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;

const approvalBlocks = [
  {
    type: 'section',
    block_id: 'summary',
    text: { type: 'mrkdwn', text: '*Approval needed*: Demo-ApproveChange' },
  },
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
        confirm: {
          title: { type: 'plain_text', text: 'Reject?' },
          text: { type: 'mrkdwn', text: 'The runbook *stops*.' },
          confirm: { type: 'plain_text', text: 'Reject it' },
          deny: { type: 'plain_text', text: 'Keep it' },
          style: 'danger',
        },
      },
    ],
  },
];

const REASON_VIEW = {
  type: 'modal' as const,
  callback_id: 'reject-reason',
  private_metadata: 'gate-1',
  title: { type: 'plain_text' as const, text: 'Reject' },
  submit: { type: 'plain_text' as const, text: 'Reject' },
  blocks: [
    {
      type: 'input',
      block_id: 'reason',
      label: { type: 'plain_text', text: 'Reason' },
      element: { type: 'plain_text_input', action_id: 'text', multiline: true },
    },
    {
      type: 'input',
      block_id: 'ticket',
      optional: true,
      label: { type: 'plain_text', text: 'Ticket' },
      element: { type: 'plain_text_input', action_id: 'id' },
    },
  ],
};

describe('the page’s routes, with the local Slack and an interactions server', () => {
  let slack: LocalSlack;
  let app: InteractionsServer;
  let page: { url: string; server: Server };
  let clock: ReturnType<typeof testClock>;
  let ts: string;

  const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${page.url}${path}`, {
      method: 'POST',
      body: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      redirect: 'manual',
    });
  const press = (action: string, user = ALICE.id, extra: Record<string, string> = {}) =>
    post('/_local/slack/click', { user, channel: OPS.id, ts, version: '0', action, ...extra });
  const pageAs = async (user: string) => (await fetch(`${page.url}/_local/slack?as=${user}`)).text();

  beforeEach(async () => {
    clock = testClock();
    app = await startInteractionsServer();
    slack = await startSlack({ now: clock.now, interactionsUrl: app.url });
    page = await startPageServer(slack);
    ts = (
      await webClient(slack.apiUrl).chat.postMessage({
        channel: OPS.id,
        text: 'Approval needed',
        blocks: approvalBlocks,
      })
    ).ts as string;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => {
      page.server.close(() => resolve());
      page.server.closeAllConnections();
    });
    await slack.close();
    await app.close();
  });

  it('a press sends block_actions, form-encoded and signed as Slack signs, with the documented fields', async () => {
    const response = await press('1:0');
    expect([response.status, response.headers.get('location')]).toEqual([
      303,
      '/_local/slack?as=U0ALICE01#m-C0OPS0001-1700000000-000000',
    ]);
    expect(app.received).toHaveLength(1);
    const [{ headers, body, payload }] = app.received as [(typeof app.received)[0]];
    expect(headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(headers['user-agent']).toBe('Slackbot 1.0 (+https://api.slack.com/robots)');
    expect(headers['x-slack-request-timestamp']).toBe('1700000000');
    expect(headers['x-slack-signature']).toBe(signatureOf('1700000000', body));
    expect(body.startsWith('payload=%7B%22type%22%3A%22block_actions%22')).toBe(true);
    expect([...new URLSearchParams(body).keys()]).toEqual(['payload']);
    expect(payload).toEqual({
      type: 'block_actions',
      user: { id: ALICE.id, username: 'alice', name: 'alice', team_id: TEAM.id },
      api_app_id: 'A0LOCALAPP',
      token: 'local-verification-token',
      container: { type: 'message', message_ts: ts, channel_id: OPS.id, is_ephemeral: false },
      trigger_id: expect.stringMatching(/^\d+\.\d+\.[0-9a-f]{32}$/),
      team: { id: TEAM.id, domain: TEAM.domain },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: OPS.id, name: 'ops' },
      message: {
        user: 'U0LOCALBOT',
        type: 'message',
        ts,
        bot_id: 'B0LOCALBOT',
        app_id: 'A0LOCALAPP',
        text: 'Approval needed',
        team: TEAM.id,
        blocks: approvalBlocks,
      },
      state: { values: {} },
      response_url: expect.stringMatching(new RegExp(`^${slack.url}/response/[0-9a-f]{24}$`)),
      actions: [
        {
          action_id: 'approve',
          block_id: 'decide',
          text: { type: 'plain_text', text: 'Approve' },
          value: 'gate-1',
          style: 'primary',
          type: 'button',
          action_ts: '1700000000.000000',
        },
      ],
    });
    expect(await pageAs(ALICE.id)).toMatch(
      /<li class="notice notice-success">block_actions for “Approve” as Alice Approver: the app answered HTTP 200 in \d+ ms\.<\/li>/,
    );

    // A second press: a fresh trigger id and response URL.
    await press('1:0');
    const [first, second] = app.received.map((received) => received.payload);
    expect(second?.trigger_id).not.toBe(first?.trigger_id);
    expect(second?.response_url).not.toBe(first?.response_url);
  });

  it('the app answers through the response URL, and the page shows the message as replaced', async () => {
    app.answer = async ({ payload }) => {
      await fetch(payload.response_url as string, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ replace_original: true, text: 'Approved by <@U0ALICE01>' }),
      });
      return { status: 200, body: '' };
    };
    await press('1:0');
    expect(slack.messages()[0]?.updates).toEqual([
      { text: 'Approved by <@U0ALICE01>', blocks: [], at: '2023-11-14T22:13:20.000Z' },
    ]);
    const html = await pageAs(ALICE.id);
    expect(html).toContain('<div class="sk-text">Approved by <span class="mention">@alice</span></div>');
    // The old version's buttons are inert; pressing the page's stale form sends nothing.
    const stale = await press('1:0');
    expect(stale.status).toBe(303);
    expect(app.received).toHaveLength(1);
    expect(await pageAs(ALICE.id)).toContain(
      '<li class="notice notice-warning">Nothing was sent: the message changed since the page showed it. Here it is as it is now.</li>',
    );
  });

  it('a button with confirm asks first, as a page; confirming sends the press', async () => {
    const asked = await press('1:1');
    expect(asked.status).toBe(200);
    expect(asked.headers.get('content-security-policy')).toBe(SLACK_PAGE_CONTENT_SECURITY_POLICY);
    const html = await asked.text();
    expect(html).toContain('<h2 id="modal-title">Reject?</h2>');
    expect(html).toContain('<div class="sk-text">The runbook <strong>stops</strong>.</div>');
    expect(html).toContain(
      '<footer><button class="sk-button sk-danger" type="submit">Reject it</button><a class="sk-button" href="/_local/slack?as=U0ALICE01#m-C0OPS0001-1700000000-000000">Keep it</a></footer>',
    );
    expect(html).toContain(
      '<input type="hidden" name="action" value="1:1"><input type="hidden" name="confirmed" value="yes">',
    );
    expect(app.received).toHaveLength(0);
    expect((await press('1:1', ALICE.id, { confirmed: 'yes' })).status).toBe(303);
    expect(
      app.received.map((received) => (received.payload.actions as { action_id: string }[])[0]?.action_id),
    ).toEqual(['reject']);
  });

  it('a press on an ephemeral message says is_ephemeral and carries no message, as Slack does', async () => {
    const { message_ts } = await webClient(slack.apiUrl).chat.postEphemeral({
      channel: OPS.id,
      user: BOB.id,
      text: 'Retry?',
      blocks: [
        {
          type: 'actions',
          block_id: 'b',
          elements: [{ type: 'button', action_id: 'retry', text: { type: 'plain_text', text: 'Retry' } }],
        },
      ],
    });
    // Alice cannot see it, so cannot press it.
    await post('/_local/slack/click', {
      user: ALICE.id,
      channel: OPS.id,
      ts: message_ts as string,
      version: '0',
      action: '0:0',
    });
    expect(app.received).toHaveLength(0);
    await post('/_local/slack/click', {
      user: BOB.id,
      channel: OPS.id,
      ts: message_ts as string,
      version: '0',
      action: '0:0',
    });
    const payload = app.received[0]?.payload ?? {};
    expect(payload.container).toEqual({
      type: 'message',
      message_ts,
      channel_id: OPS.id,
      is_ephemeral: true,
    });
    expect('message' in payload).toBe(false);
    expect(payload.user).toEqual({ id: BOB.id, username: 'bob', name: 'bob', team_id: TEAM.id });
  });

  it('the app opens a modal with the trigger id; its submission is a view_submission with state.values', async () => {
    const client = webClient(slack.apiUrl);
    app.answer = async ({ payload }) => {
      if (payload.type === 'block_actions') {
        await client.views.open({ trigger_id: payload.trigger_id as string, view: REASON_VIEW });
        return { status: 200, body: '' };
      }
      return {
        status: 200,
        body: JSON.stringify({ response_action: 'errors', errors: { reason: 'Say <more>' } }),
      };
    };
    await press('1:1', ALICE.id, { confirmed: 'yes' });
    const [opened] = slack.views();
    const viewId = String(opened?.view.id);
    expect(opened?.user).toBe(ALICE.id);
    let html = await pageAs(ALICE.id);
    expect(
      html,
    ).toContain(`<form method="post" action="/_local/slack/view"><input type="hidden" name="user" value="U0ALICE01"><input type="hidden" name="view_id" value="${viewId}">
<header><h2 id="modal-title">Reject</h2><span class="app-badge">approvals</span></header>
<div class="modal-body">
<div class="sk-input"><label for="input-0">Reason</label><textarea id="input-0" name="input:0" required></textarea></div><div class="sk-input"><label for="input-1">Ticket <span class="sk-optional">(optional)</span></label><input id="input-1" name="input:1" type="text" value=""></div>
</div>
<footer><button class="sk-button sk-primary" type="submit">Reject</button><button class="sk-button" type="submit" formaction="/_local/slack/view/close" formnovalidate>Cancel</button></footer>`);
    expect(await pageAs(BOB.id)).not.toContain('modal-title');

    // A required field left empty: Slack does not send, and neither does the page.
    await post('/_local/slack/view', { user: ALICE.id, view_id: viewId, 'input:0': ' ', 'input:1': '' });
    expect(app.received).toHaveLength(1);
    expect(slack.views()[0]?.errors).toEqual({ reason: 'Please complete this required field.' });

    const submitted = await post('/_local/slack/view', {
      user: ALICE.id,
      view_id: viewId,
      'input:0': 'Wrong <window>',
      'input:1': '',
    });
    expect([submitted.status, submitted.headers.get('location')]).toEqual([
      303,
      '/_local/slack?as=U0ALICE01',
    ]);
    const { headers, body, payload } = app.received[1] as (typeof app.received)[0];
    expect(headers['x-slack-signature']).toBe(
      signatureOf(String(headers['x-slack-request-timestamp']), body),
    );
    expect(payload).toEqual({
      type: 'view_submission',
      team: { id: TEAM.id, domain: TEAM.domain },
      user: { id: ALICE.id, username: 'alice', name: 'alice', team_id: TEAM.id },
      api_app_id: 'A0LOCALAPP',
      token: 'local-verification-token',
      trigger_id: expect.stringMatching(/^\d+\.\d+\.[0-9a-f]{32}$/),
      view: {
        ...(opened?.view as object),
        state: {
          values: {
            reason: { text: { type: 'plain_text_input', value: 'Wrong <window>' } },
            ticket: { id: { type: 'plain_text_input', value: null } },
          },
        },
      },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    });
    expect((payload.view as { id: string; callback_id: string; private_metadata: string }).callback_id).toBe(
      'reject-reason',
    );
    // The app's errors show under the field, the typed value stays.
    html = await pageAs(ALICE.id);
    expect(html).toContain(
      '<textarea id="input-0" name="input:0" required aria-invalid="true" aria-describedby="input-0-error">Wrong &lt;window&gt;</textarea><p class="sk-field-error" id="input-0-error">Say &lt;more&gt;</p>',
    );
    expect(html).toContain('the app refused the submission (response_action errors)');

    app.answer = () => ({ status: 200, body: '' });
    await post('/_local/slack/view', {
      user: ALICE.id,
      view_id: viewId,
      'input:0': 'Outside the window',
      'input:1': 'CHG-1',
    });
    expect(slack.views()[0]?.state).toBe('submitted');
    expect(app.received[2]?.payload.view).toMatchObject({
      state: {
        values: {
          reason: { text: { type: 'plain_text_input', value: 'Outside the window' } },
          ticket: { id: { type: 'plain_text_input', value: 'CHG-1' } },
        },
      },
    });
    expect(await pageAs(ALICE.id)).not.toContain('modal-title');
  });

  it('closing a modal sends view_closed only when it asked for notify_on_close', async () => {
    const client = webClient(slack.apiUrl);
    for (const notify of [false, true]) {
      await client.views.open({
        trigger_id: slack.workspace.newTrigger(ALICE.id),
        view: { ...REASON_VIEW, notify_on_close: notify },
      });
    }
    const [quiet, noisy] = slack.views().map((view) => String(view.view.id));
    await post('/_local/slack/view/close', { user: ALICE.id, view_id: noisy as string });
    await post('/_local/slack/view/close', { user: ALICE.id, view_id: quiet as string });
    expect(slack.views().map((view) => view.state)).toEqual(['closed', 'closed']);
    expect(
      app.received.map((received) => [received.payload.type, (received.payload.view as { id: string }).id]),
    ).toEqual([['view_closed', noisy]]);
  });

  it('shows a failed delivery, an error status and a missing button on the page', async () => {
    slack.setInteractionsUrl('http://127.0.0.1:1/unreachable');
    await press('1:0');
    expect(await pageAs(ALICE.id)).toMatch(
      /<li class="notice notice-error">block_actions for “Approve” as Alice Approver: the request failed \(fetch failed: [^<]*\)\. Slack would show the person an error\.<\/li>/,
    );
    slack.setInteractionsUrl(app.url);
    app.answer = () => ({ status: 401, body: 'bad signature' });
    await press('1:0');
    expect(await pageAs(ALICE.id)).toMatch(
      /<li class="notice notice-error">block_actions for “Approve” as Alice Approver: the app answered HTTP 401 in \d+ ms\. Slack would show the person an error\. Body: bad signature<\/li>/,
    );
    await press('7:0');
    expect(await pageAs(ALICE.id)).toContain(
      '<li class="notice notice-error">Nothing was sent: the message has no button at 7:0.</li>',
    );
  });

  it('refuses other methods, other sites, unknown users and formats', async () => {
    const get = await fetch(`${page.url}/_local/slack/click`);
    expect([get.status, get.headers.get('allow'), await get.text()]).toEqual([405, 'POST', 'Use POST.\n']);
    const sameOrigin = await post(
      '/_local/slack/click',
      { user: ALICE.id, channel: OPS.id, ts, version: '0', action: '1:0' },
      { origin: page.url },
    );
    expect(sameOrigin.status).toBe(303);
    const evil = await post(
      '/_local/slack/click',
      { user: ALICE.id, channel: OPS.id, ts, version: '0', action: '1:0' },
      { origin: 'https://evil.example' },
    );
    expect([evil.status, await evil.text()]).toEqual([
      403,
      'Only the local Slack page itself may press its buttons.\n',
    ]);
    const fromElsewhere = await post(
      '/_local/slack/click',
      { user: ALICE.id, channel: OPS.id, ts, version: '0', action: '1:0' },
      { origin: 'null', 'sec-fetch-site': 'cross-site' },
    );
    expect(fromElsewhere.status).toBe(403);
    const fromThePage = await post(
      '/_local/slack/click',
      { user: ALICE.id, channel: OPS.id, ts, version: '0', action: '1:0' },
      { origin: 'null', 'sec-fetch-site': 'same-origin' },
    );
    expect(fromThePage.status).toBe(303);
    const nobody = await press('1:0', 'U0NOBODY');
    expect([nobody.status, await nobody.text()]).toEqual([400, "No such user: 'U0NOBODY'.\n"]);
    const format = await fetch(`${page.url}/_local/slack?format=xml`);
    expect([format.status, await format.text()]).toEqual([
      400,
      "Unknown format 'xml': use ?format=json for JSON, or no format for the page.\n",
    ]);
    const postPage = await fetch(`${page.url}/_local/slack`, { method: 'POST' });
    expect([postPage.status, postPage.headers.get('allow')]).toEqual([405, 'GET']);
  });

  it('serves ?format=json and the page with its headers; slackPages serves the same GET', async () => {
    const json = await fetch(`${page.url}/_local/slack?format=json`);
    expect([json.status, json.headers.get('content-type'), json.headers.get('cache-control')]).toEqual([
      200,
      'application/json',
      'no-store',
    ]);
    expect(await json.text()).toBe(slackJson(slack.messages()));
    const html = await fetch(`${page.url}/_local/slack`);
    expect(
      Object.fromEntries(
        [...html.headers].filter(
          ([name]) => !['date', 'connection', 'keep-alive', 'content-length'].includes(name),
        ),
      ),
    ).toEqual({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    expect(slackPages(slack)['/_local/slack']?.(new URLSearchParams('format=json'))).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: slackJson(slack.messages()),
    });
  });
});
