/**
 * The local Teams workflow webhook: what it accepts (202) and refuses (400), its JSON contract, and the
 * cards drawn and escaped on /_local/teams.
 */
import {
  ADAPTIVE_CARD_CONTENT_TYPE,
  type LocalTeams,
  renderTeamsPage,
  startLocalTeams,
  TEAMS_CONTENT_SECURITY_POLICY,
  type TeamsPost,
  teamsJson,
  teamsPages,
  textBlockMarkdown,
} from '../../local/slack/teams';
import type { JsonObject } from '../../local/slack/workspace';

const CARD: JsonObject = {
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.4',
  body: [
    { type: 'TextBlock', text: 'Approval needed', weight: 'Bolder', size: 'Large', wrap: true },
    {
      type: 'TextBlock',
      text: '**Demo-ApproveChange** waits at _approve_: [runbook](https://console.example/?a=1&b=2)',
      wrap: true,
    },
    {
      type: 'FactSet',
      facts: [
        { title: 'Execution', value: 'e-1' },
        { title: 'Deadline', value: '<script>alert(1)</script>' },
      ],
    },
  ],
  actions: [
    {
      type: 'Action.OpenUrl',
      title: 'Review and approve',
      url: 'https://api.example/executions/e-1/approve?t=x',
    },
    { type: 'Action.OpenUrl', title: 'Bad', url: 'javascript:alert(1)' },
    { type: 'Action.Submit', title: 'Submit' },
  ],
};

const message = (content: unknown = CARD) => ({
  type: 'message',
  attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content }],
});

describe('the local Teams workflow webhook', () => {
  let teams: LocalTeams;
  beforeEach(async () => {
    teams = await startLocalTeams({ now: () => new Date('2025-11-21T15:04:05.000Z') });
  });
  afterEach(() => teams.close());

  const post = async (path: string, body: string) => {
    const response = await fetch(`${teams.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    return [response.status, await response.text()];
  };

  it('accepts an Adaptive Card message with 202 and an empty body, as the workflow trigger answers', async () => {
    expect(teams.webhookUrl('ops')).toBe(`${teams.url}/teams/ops`);
    expect(await post('/teams/ops?api-version=2016-06-01&sig=abc', JSON.stringify(message()))).toEqual([
      202,
      '',
    ]);
    expect(teams.posts()).toEqual([
      { webhook: 'ops', cards: [CARD], receivedAt: '2025-11-21T15:04:05.000Z' },
    ]);
  });

  it.each([
    ['{', 'The body is not JSON.'],
    [JSON.stringify({ type: 'note' }), "The body must be an object with type 'message'."],
    [JSON.stringify({ type: 'message', attachments: [] }), 'The message must have at least one attachment.'],
    [
      JSON.stringify({
        type: 'message',
        attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: {} }],
      }),
      "attachments[0].contentType must be 'application/vnd.microsoft.card.adaptive'.",
    ],
    [
      JSON.stringify(message({ type: 'Card' })),
      "attachments[0].content must be an object with type 'AdaptiveCard'.",
    ],
  ])('refuses %s with 400', async (body, problem) => {
    expect(await post('/teams/ops', body)).toEqual([
      400,
      JSON.stringify({ error: { code: 'InvalidRequestContent', message: problem } }),
    ]);
    expect(teams.posts()).toEqual([]);
  });

  it('answers 404 elsewhere', async () => {
    expect(await post('/elsewhere', '{}')).toEqual([
      404,
      '{"error":{"code":"NotFound","message":"The local Teams webhook serves POST /teams/<id>."}}',
    ]);
  });
});

describe('the /_local/teams page', () => {
  const posts: TeamsPost[] = [
    { webhook: 'ops', cards: [CARD], receivedAt: '2025-11-21T15:04:05.000Z' },
    {
      webhook: 'on-call',
      cards: [{ type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: 'second' }] }],
      receivedAt: '2025-11-21T15:05:00.000Z',
    },
  ];

  it('draws TextBlock, FactSet and actions, escaping the card', () => {
    const page = renderTeamsPage(posts);
    expect(page).not.toMatch(/<script|javascript:/i);
    expect(page).toContain(`<article class="post">
<div class="post-meta">Webhook <code>ops</code>, <time datetime="2025-11-21T15:04:05.000Z">2025-11-21 15:04:05 UTC</time></div>
<div class="ac-card"><p class="ac-text ac-bolder ac-size-large">Approval needed</p><p class="ac-text"><strong>Demo-ApproveChange</strong> waits at <em>approve</em>: <a href="https://console.example/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">runbook</a></p><dl class="ac-facts"><dt>Execution</dt><dd>e-1</dd><dt>Deadline</dt><dd>&lt;script&gt;alert(1)&lt;/script&gt;</dd></dl><div class="ac-actions"><a class="ac-action" href="https://api.example/executions/e-1/approve?t=x" target="_blank" rel="noopener noreferrer">Review and approve</a><span class="ac-action ac-inert">Bad</span><span class="ac-action ac-inert" title="Action.Submit: a workflow webhook card cannot call back">Submit</span></div></div>
</article>`);
    // Newest first.
    expect(page.indexOf('on-call')).toBeLessThan(page.indexOf('<code>ops</code>'));
    expect(page).toContain('<title>Local Teams (2 card messages)</title>');
    expect(renderTeamsPage([])).toContain('<p class="empty">No card yet.');
  });

  it('TextBlock Markdown: bold, italics, safe links and line breaks only', () => {
    expect(
      textBlockMarkdown('**a** _b_ snake_case [x](https://e.example/_y_) [z](javascript:1)\n<i>').value,
    ).toBe(
      '<strong>a</strong> <em>b</em> snake_case <a href="https://e.example/_y_" target="_blank" rel="noopener noreferrer">x</a> [z](javascript:1)<br>&lt;i&gt;',
    );
  });

  it('serves ?format=json as [{webhook, cards, receivedAt}], newest last, and the page with a CSP', () => {
    const page = teamsPages({ posts: () => posts })['/_local/teams'];
    expect(page?.(new URLSearchParams('format=json'))).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: teamsJson(posts),
    });
    expect(JSON.parse(teamsJson(posts))).toEqual(posts);
    expect(page?.(new URLSearchParams(''))?.headers['content-security-policy']).toBe(
      TEAMS_CONTENT_SECURITY_POLICY,
    );
    expect(page?.(new URLSearchParams('format=xml'))?.status).toBe(400);
  });
});
