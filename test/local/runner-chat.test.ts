/**
 * The chat stand-ins `npm start` runs (local/runner.ts): the local Slack's app credentials are made on the
 * first start and kept in the local secret store, so later starts (and the product) use the same; the local
 * Teams webhook's URL, whose port changes, is stored afresh on every start; their pages are served by the
 * local API.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateSecretDocument } from '../../lambda/auth/secret-document';
import { LOCAL_TEAMS_WEBHOOK, type LocalStack, startLocalStack } from '../../local/runner';
import { readSecretFile } from '../../local/secret-store';

jest.setTimeout(60_000);

const start = (secretFile: string) =>
  startLocalStack({ apiPort: 0, simulatorPort: 0, secretFile, demo: false, logLevel: 'SILENT' });

const storedChat = async (secretFile: string) => {
  const config = validateSecretDocument(await readSecretFile(secretFile));
  return { slack: config.slack, teams: Object.fromEntries(config.teamsWebhookUrls) };
};

describe('the local chat stand-ins across two starts', () => {
  let directory: string;
  let secretFile: string;
  let stack: LocalStack | undefined;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'runner-chat-'));
    secretFile = join(directory, 'secrets.json');
  });
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  let first: Awaited<ReturnType<typeof storedChat>>;

  it('makes Slack credentials on the first start, in Slack’s formats, and stores the Teams webhook URL', async () => {
    stack = await start(secretFile);

    first = await storedChat(secretFile);
    expect(first.slack).toEqual({
      signingSecret: expect.stringMatching(/^[0-9a-f]{32}$/),
      botToken: expect.stringMatching(/^xoxb-local-[0-9a-f]{24}$/),
    });
    expect(stack.slack?.signingSecret).toBe(first.slack?.signingSecret);
    expect(first.teams).toEqual({ [LOCAL_TEAMS_WEBHOOK]: stack.teams?.webhookUrl(LOCAL_TEAMS_WEBHOOK) });
    expect(stack.slack?.interactionsUrl()).toBe(`${stack.apiUrl}/slack/interactions`);
    expect(stack.slackUrl).toBe(`${stack.apiUrl}/_local/slack`);
    expect(stack.teamsUrl).toBe(`${stack.apiUrl}/_local/teams`);
    expect(stack.slackUsers).toEqual({
      approver: { id: 'U0LOCALALICE', name: 'alice', realName: 'Alice', email: 'alice@example.com' },
      bystander: { id: 'U0LOCALBOB', name: 'bob', realName: 'Bob', email: 'bob@example.com' },
    });
  });

  it('keeps the Slack credentials on the next start, and stores the Teams webhook’s new URL', async () => {
    stack = await start(secretFile);

    const second = await storedChat(secretFile);
    expect(second.slack).toEqual(first.slack);
    expect(second.teams).toEqual({ [LOCAL_TEAMS_WEBHOOK]: stack.teams?.webhookUrl(LOCAL_TEAMS_WEBHOOK) });
    expect(second.teams[LOCAL_TEAMS_WEBHOOK]).not.toBe(first.teams[LOCAL_TEAMS_WEBHOOK]);
  });

  it('serves the Slack page (its GET and JSON through the local routes) and the Teams page', async () => {
    stack = await start(secretFile);

    const slackPage = await fetch(`${stack.slackUrl}?as=U0LOCALBOB`);
    const slackJson = await fetch(`${stack.slackUrl}?format=json`);
    const teamsJson = await fetch(`${stack.teamsUrl}?format=json`);

    expect(slackPage.status).toBe(200);
    expect(slackPage.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(slackPage.headers.get('apigw-requestid')).toBeNull();
    expect(await slackPage.text()).toContain('No message yet');
    expect(slackJson.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await slackJson.json()).toEqual([]);
    expect(await teamsJson.json()).toEqual([]);
  });
});
