/**
 * The Slack channel against the local Slack Web API (the official WebClient built by createSlackClient,
 * pointed at it through SLACK_API_URL) and the post records in dynalite: the exact message Slack keeps,
 * button values that verify for that workspace and channel only, and the exact item recorded.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { WebAPIPlatformError, WebClient } from '@slack/web-api';
import { ConfigurationError, ForbiddenError } from '../../lambda/core/errors';
import { executionView, type GateView } from '../../lambda/gate/execution-view';
import { slackChannel } from '../../lambda/notify/channels/slack';
import { slackDate } from '../../lambda/notify/channels/slack-message';
import type { NotificationLinks } from '../../lambda/notify/notification';
import { dynamoSlackPostStore, type SlackPostStore } from '../../lambda/notify/slack-posts';
import { verifyButtonValue } from '../../lambda/slack/button-token';
import { createSlackClient, SLACK_API_URL_ENV, teamIdOf } from '../../lambda/slack/web-client';
import { LOCAL_DYNAMO_CREDENTIALS, type LocalDynamo, startLocalDynamo } from '../../local/dynamodb/server';
import type { LocalSlack } from '../../local/slack/server';
import { generatedId } from '../../local/slack/workspace';
import { authConfig, rejectionOf } from '../auth/fixtures';
import { approveStep, EXECUTION_ID, execution, STAGING_ID } from '../gate/fixtures';
import { BOT_TOKEN, OPS, startSlack, TEAM } from '../slack-local/support';

const NOW = new Date('2026-12-01T16:10:00.250Z');
const EXPIRES = new Date('2026-12-01T17:00:00Z');
const API = `https://api.example.com/executions/${EXECUTION_ID}`;
const LINKS: NotificationLinks = {
  approve: `${API}/approve?token=slack-details-link`,
  reject: `${API}/reject?token=slack-reject-link`,
  stop: `${API}/stop?token=slack-stop-link`,
  expiresAt: EXPIRES,
};
const CONFIG = authConfig({});

const view = executionView(
  execution('Waiting', [approveStep('ApproveStaging', STAGING_ID, 'Waiting')], {
    CurrentStepName: 'ApproveStaging',
  }),
);
const gate = view.gates[0] as GateView;
const notification = { execution: view, gate };
const message = (recipient: string) => ({
  notification,
  recipient,
  links: LINKS,
  deliveryId: 'd-1',
  now: NOW,
});

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text, verbatim: true });
/** The blocks as the local Slack keeps them: Slack fills in a block_id where the poster left none. */
const expectedBlocks = (ts: string, approve: string, reject: string) => [
  {
    type: 'header',
    text: { type: 'plain_text', text: 'Demo-TwoGates – ApproveStaging' },
    block_id: generatedId(`${ts}:0`),
  },
  {
    type: 'section',
    text: mrkdwn('*Message from the runbook*\n> Approve ApproveStaging?\n> Second line'),
    block_id: generatedId(`${ts}:1`),
  },
  {
    type: 'section',
    fields: [
      mrkdwn('*Runbook*\nDemo-TwoGates (version 1)'),
      mrkdwn('*Approval step*\nApproveStaging'),
      mrkdwn(`*Times out*\n${slackDate(new Date('2026-12-01T17:00:00Z'))} (49 minutes left)`),
      mrkdwn('*Started by*\nlocal-operator (IAM user, account 123456789012)'),
      mrkdwn(`*Execution*\n${EXECUTION_ID}`),
    ],
    block_id: generatedId(`${ts}:2`),
  },
  { type: 'context', elements: [mrkdwn('*Version:* 1.2.3')], block_id: generatedId(`${ts}:3`) },
  {
    type: 'actions',
    block_id: `gate:${STAGING_ID}`,
    elements: [
      {
        type: 'button',
        action_id: 'approve',
        text: { type: 'plain_text', text: 'Approve' },
        style: 'primary',
        value: approve,
      },
      {
        type: 'button',
        action_id: 'reject',
        text: { type: 'plain_text', text: 'Reject' },
        style: 'danger',
        value: reject,
      },
      {
        type: 'button',
        action_id: 'details',
        text: { type: 'plain_text', text: 'Details' },
        url: LINKS.approve,
      },
    ],
  },
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('slackChannel', () => {
  let slack: LocalSlack;
  let dynamo: LocalDynamo;
  let dynamodb: DynamoDBClient;
  let posts: SlackPostStore;

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    dynamodb = new DynamoDBClient({
      endpoint: dynamo.url,
      region: 'us-east-1',
      credentials: LOCAL_DYNAMO_CREDENTIALS,
    });
    posts = dynamoSlackPostStore(dynamodb, dynamo.tableName);
  });
  afterAll(async () => {
    dynamodb.destroy();
    await dynamo.close();
  });
  beforeEach(async () => {
    slack = await startSlack({ now: () => NOW });
    process.env[SLACK_API_URL_ENV] = slack.apiUrl;
  });
  afterEach(async () => {
    delete process.env[SLACK_API_URL_ENV];
    await slack.close();
  });

  let client: WebClient;
  const channel = (overrides: Partial<Parameters<typeof slackChannel>[0]> = {}) => {
    client = createSlackClient(BOT_TOKEN, { retries: 0 });
    return slackChannel({
      client: async () => client,
      posts,
      loadAuthConfig: async () => CONFIG,
      ...overrides,
    });
  };

  it('is named slack and labels approvers by channel id', () => {
    const slackOnly = channel();
    expect(slackOnly.name).toBe('slack');
    expect(slackOnly.approverLabel(OPS.id)).toBe('slack:C0OPS0001');
  });

  it('posts the gate message with signed buttons and records where it went', async () => {
    const slackOnly = channel();
    const postMessage = jest.spyOn(client.chat, 'postMessage');
    await slackOnly.send(message(OPS.id));

    const ts = '1796141400.250000';
    const [posted, ...others] = slack.messages();
    expect(others).toEqual([]);
    const actions = posted?.blocks[4] as { elements: { value?: string }[] } | undefined;
    const approve = actions?.elements[0]?.value ?? '';
    const reject = actions?.elements[1]?.value ?? '';
    expect(posted).toEqual({
      channel: OPS.id,
      ts,
      text: 'Approval needed: Demo-TwoGates – ApproveStaging (49 minutes left)',
      blocks: expectedBlocks(ts, approve, reject),
      updates: [],
      postedAt: NOW.toISOString(),
    });

    // What the SDK was given: no link previews (the Details link holds a token), the blocks as built.
    expect(postMessage.mock.calls).toEqual([
      [
        {
          channel: OPS.id,
          text: posted?.text,
          blocks: expectedBlocks(ts, approve, reject).map(({ block_id, ...block }) =>
            block.type === 'actions' ? { block_id, ...block } : block,
          ),
          unfurl_links: false,
          unfurl_media: false,
        },
      ],
    ]);

    // Each value names the gate, the action, the runbook, and this workspace and channel; it lives as long as the links.
    const place = { teamId: TEAM.id, channelId: OPS.id };
    const claims = (action: 'approve' | 'reject') => ({
      executionId: EXECUTION_ID,
      runbook: 'Demo-TwoGates',
      gate: { stepName: 'ApproveStaging', stepExecutionId: STAGING_ID },
      action,
      teamId: TEAM.id,
      channelId: OPS.id,
      issuedAt: new Date('2026-12-01T16:10:00Z'),
      expiresAt: EXPIRES,
      tokenId: expect.stringMatching(UUID),
      keyId: 'k1',
    });
    expect(await verifyButtonValue(CONFIG, approve, place, NOW)).toEqual(claims('approve'));
    expect(await verifyButtonValue(CONFIG, reject, place, NOW)).toEqual(claims('reject'));
    const elsewhere = await rejectionOf(
      verifyButtonValue(CONFIG, approve, { teamId: TEAM.id, channelId: 'C0DEPLOYS' }, NOW),
    );
    expect(elsewhere).toBeInstanceOf(ForbiddenError);
    expect((elsewhere as ForbiddenError).reason).toBe('slack-button-wrong-channel');
    const otherTeam = await rejectionOf(
      verifyButtonValue(CONFIG, approve, { teamId: 'T0OTHER01', channelId: OPS.id }, NOW),
    );
    expect((otherTeam as ForbiddenError).reason).toBe('slack-button-wrong-channel');

    // The record outlives the buttons by a day.
    const { Item } = await dynamodb.send(
      new GetItemCommand({
        TableName: dynamo.tableName,
        Key: { id: { S: `slack#${EXECUTION_ID}#${STAGING_ID}` } },
        ConsistentRead: true,
      }),
    );
    expect(Item).toEqual({
      id: { S: `slack#${EXECUTION_ID}#${STAGING_ID}` },
      executionId: { S: EXECUTION_ID },
      stepExecutionId: { S: STAGING_ID },
      'post#C0OPS0001': { M: { channelId: { S: OPS.id }, ts: { S: ts }, teamId: { S: TEAM.id } } },
      expiration: { N: String(EXPIRES.getTime() / 1000 + 86_400) },
    });
    expect(await posts.postsOf({ executionId: EXECUTION_ID, stepExecutionId: STAGING_ID })).toEqual([
      { channelId: OPS.id, ts, teamId: TEAM.id },
    ]);
  });

  it('refuses to post without a bot token, naming the command that sets one', async () => {
    const error = await rejectionOf(channel({ client: async () => undefined }).send(message(OPS.id)));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(
      'No Slack bot token in the secret (npm run keys -- slack-credentials)',
    );
    expect(slack.messages()).toEqual([]);
  });

  it("fails with Slack's error when the channel does not exist, and records nothing", async () => {
    const record = jest.fn<Promise<void>, Parameters<SlackPostStore['record']>>();
    const error = await rejectionOf(channel({ posts: { ...posts, record } }).send(message('C0NOWHERE')));
    expect((error as WebAPIPlatformError).data.error).toBe('channel_not_found');
    expect(record).not.toHaveBeenCalled();
  });

  it('logs, and does not throw, when the post went out but could not be recorded (a retry would post twice)', async () => {
    const logger = new Logger({ logLevel: 'SILENT' });
    const logged = jest.spyOn(logger, 'error');
    const failure = new Error('throttled');
    await channel({
      posts: { ...posts, record: async () => Promise.reject(failure) },
      logger,
    }).send(message(OPS.id));
    expect(slack.messages()).toHaveLength(1);
    expect(logged.mock.calls).toEqual([
      [
        'The Slack message was posted but not recorded: it will not be updated when the gate closes',
        {
          executionId: EXECUTION_ID,
          stepExecutionId: STAGING_ID,
          channelId: OPS.id,
          ts: '1796141400.250000',
          teamId: TEAM.id,
          error: failure,
        },
      ],
    ]);
  });
});

describe('createSlackClient and teamIdOf', () => {
  let slack: LocalSlack;
  beforeEach(async () => {
    slack = await startSlack();
    process.env[SLACK_API_URL_ENV] = slack.apiUrl;
  });
  afterEach(async () => {
    delete process.env[SLACK_API_URL_ENV];
    await slack.close();
  });

  it('takes the API URL from SLACK_API_URL and asks auth.test for the team once per client', async () => {
    const client = createSlackClient(BOT_TOKEN);
    expect(client.slackApiUrl).toBe(slack.apiUrl);
    const authTest = jest.spyOn(client.auth, 'test');
    expect(await teamIdOf(client)).toBe(TEAM.id);
    expect(await teamIdOf(client)).toBe(TEAM.id);
    expect(authTest).toHaveBeenCalledTimes(1);
  });

  it("does not cache a failed lookup (a wrong token), and answers Slack's error", async () => {
    const client = createSlackClient('xoxb-wrong', { retries: 0 });
    const error = await rejectionOf(teamIdOf(client));
    expect((error as WebAPIPlatformError).data.error).toBe('invalid_auth');
    const authTest = jest.spyOn(client.auth, 'test');
    await rejectionOf(teamIdOf(client));
    expect(authTest).toHaveBeenCalledTimes(1);
  });
});
