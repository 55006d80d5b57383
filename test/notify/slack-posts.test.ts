/** The records of posted Slack messages, in dynalite: exact items, one per gate, one attribute per channel. */
import { DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  CLOSE_CLAIM_STALE_SECONDS,
  dynamoSlackPostStore,
  SLACK_POST_KEY_PREFIX,
  type SlackPostStore,
  slackPostItemId,
} from '../../lambda/notify/slack-posts';
import { LOCAL_DYNAMO_CREDENTIALS, type LocalDynamo, startLocalDynamo } from '../../local/dynamodb/server';

const EXECUTION_ID = '0b7e4c1a-3f2d-4e8b-9a61-2c5d8f0e1a22';
const GATE = { executionId: EXECUTION_ID, stepExecutionId: '11111111-1111-4111-8111-111111111111' };
const OTHER_GATE = { executionId: EXECUTION_ID, stepExecutionId: '22222222-2222-4222-8222-222222222222' };
const KEEP_UNTIL = new Date('2026-12-02T17:00:00.400Z');
const ID = `slack#${GATE.executionId}#${GATE.stepExecutionId}`;

describe('dynamoSlackPostStore', () => {
  let dynamo: LocalDynamo;
  let dynamodb: DynamoDBClient;
  let store: SlackPostStore;

  beforeEach(async () => {
    dynamo = await startLocalDynamo();
    dynamodb = new DynamoDBClient({
      endpoint: dynamo.url,
      region: 'us-east-1',
      credentials: LOCAL_DYNAMO_CREDENTIALS,
    });
    store = dynamoSlackPostStore(dynamodb, dynamo.tableName);
  });
  afterEach(async () => {
    dynamodb.destroy();
    await dynamo.close();
  });

  const item = async (id = ID) =>
    (
      await dynamodb.send(
        new GetItemCommand({ TableName: dynamo.tableName, Key: { id: { S: id } }, ConsistentRead: true }),
      )
    ).Item;

  it('names items slack#<executionId>#<stepExecutionId>', () => {
    expect(SLACK_POST_KEY_PREFIX).toBe('slack#');
    expect(slackPostItemId(GATE)).toBe(ID);
  });

  it('keeps one item per gate with one attribute per channel, and a TTL in whole epoch seconds', async () => {
    await Promise.all([
      store.record(
        GATE,
        { channelId: 'C0OPS0001', ts: '1796141400.000100', teamId: 'T0LOCAL01' },
        KEEP_UNTIL,
      ),
      store.record(
        GATE,
        { channelId: 'C0DEPLOYS', ts: '1796141400.000200', teamId: 'T0LOCAL01' },
        KEEP_UNTIL,
      ),
    ]);
    expect(await item()).toEqual({
      id: { S: ID },
      executionId: { S: GATE.executionId },
      stepExecutionId: { S: GATE.stepExecutionId },
      'post#C0OPS0001': {
        M: { channelId: { S: 'C0OPS0001' }, ts: { S: '1796141400.000100' }, teamId: { S: 'T0LOCAL01' } },
      },
      'post#C0DEPLOYS': {
        M: { channelId: { S: 'C0DEPLOYS' }, ts: { S: '1796141400.000200' }, teamId: { S: 'T0LOCAL01' } },
      },
      expiration: { N: '1796230801' },
    });
    expect(await store.postsOf(GATE)).toEqual([
      { channelId: 'C0DEPLOYS', ts: '1796141400.000200', teamId: 'T0LOCAL01' },
      { channelId: 'C0OPS0001', ts: '1796141400.000100', teamId: 'T0LOCAL01' },
    ]);
    expect(await store.postsOf(OTHER_GATE)).toEqual([]);
  });

  it('marks one channel closed with the result, leaving the others open', async () => {
    await store.record(GATE, { channelId: 'C0OPS0001', ts: '1.000100', teamId: 'T0LOCAL01' }, KEEP_UNTIL);
    await store.record(GATE, { channelId: 'C0DEPLOYS', ts: '1.000200', teamId: 'T0LOCAL01' }, KEEP_UNTIL);
    await store.markClosed(GATE, 'C0OPS0001', 'Approved');
    expect((await item())?.['post#C0OPS0001']).toEqual({
      M: {
        channelId: { S: 'C0OPS0001' },
        ts: { S: '1.000100' },
        teamId: { S: 'T0LOCAL01' },
        closed: { S: 'Approved' },
      },
    });
    expect(await store.postsOf(GATE)).toEqual([
      { channelId: 'C0DEPLOYS', ts: '1.000200', teamId: 'T0LOCAL01' },
      { channelId: 'C0OPS0001', ts: '1.000100', teamId: 'T0LOCAL01', closed: 'Approved' },
    ]);
  });

  it('leaves a message that was never recorded alone: no item and no attribute is created', async () => {
    await store.markClosed(OTHER_GATE, 'C0OPS0001', 'Rejected');
    await store.record(GATE, { channelId: 'C0OPS0001', ts: '1.000100', teamId: 'T0LOCAL01' }, KEEP_UNTIL);
    await store.markClosed(GATE, 'C0NOTPOST', 'Rejected');
    const { Items } = await dynamodb.send(new ScanCommand({ TableName: dynamo.tableName }));
    expect(Items?.map((each) => Object.keys(each).sort())).toEqual([
      ['executionId', 'expiration', 'id', 'post#C0OPS0001', 'stepExecutionId'],
    ]);
  });

  describe('claims: one update per message when the gate closes', () => {
    const CLAIMED_AT = new Date('2026-12-01T16:01:00.900Z');
    const CLAIM = 1796140860; // CLAIMED_AT in whole epoch seconds
    const secondsLater = (seconds: number) => new Date(CLAIMED_AT.getTime() + seconds * 1000);
    const opsPost = async () => (await item())?.['post#C0OPS0001'];
    const open = { channelId: { S: 'C0OPS0001' }, ts: { S: '1.000100' }, teamId: { S: 'T0LOCAL01' } };

    beforeEach(async () => {
      await store.record(GATE, { channelId: 'C0OPS0001', ts: '1.000100', teamId: 'T0LOCAL01' }, KEEP_UNTIL);
    });

    it('lets one of several claims at once win, and records when in whole epoch seconds', async () => {
      expect(CLOSE_CLAIM_STALE_SECONDS).toBe(60);
      const won = await Promise.all([1, 2, 3].map(() => store.claimClose(GATE, 'C0OPS0001', CLAIMED_AT)));
      expect(won.filter(Boolean)).toEqual([true]);
      expect(await opsPost()).toEqual({ M: { ...open, closing: { N: String(CLAIM) } } });
      expect(await store.postsOf(GATE)).toEqual([
        { channelId: 'C0OPS0001', ts: '1.000100', teamId: 'T0LOCAL01', closing: CLAIM },
      ]);
    });

    it('refuses a claim 60 s old and takes over one older than that (its sync crashed)', async () => {
      expect(await store.claimClose(GATE, 'C0OPS0001', CLAIMED_AT)).toBe(true);
      expect(await store.claimClose(GATE, 'C0OPS0001', secondsLater(60))).toBe(false);
      expect(await opsPost()).toEqual({ M: { ...open, closing: { N: String(CLAIM) } } });
      expect(await store.claimClose(GATE, 'C0OPS0001', secondsLater(61))).toBe(true);
      expect(await opsPost()).toEqual({ M: { ...open, closing: { N: String(CLAIM + 61) } } });
    });

    it('marks closed whoever claimed, ending the claim; a closed message is never claimed again', async () => {
      await store.claimClose(GATE, 'C0OPS0001', CLAIMED_AT);
      await store.markClosed(GATE, 'C0OPS0001', 'Rejected');
      expect(await opsPost()).toEqual({ M: { ...open, closed: { S: 'Rejected' } } });
      expect(await store.claimClose(GATE, 'C0OPS0001', secondsLater(3600))).toBe(false);
      expect(await opsPost()).toEqual({ M: { ...open, closed: { S: 'Rejected' } } });
    });

    it('gives back only its own claim: not one taken over since, not a closed message', async () => {
      await store.claimClose(GATE, 'C0OPS0001', CLAIMED_AT);
      await store.releaseClose(GATE, 'C0OPS0001', CLAIMED_AT);
      expect(await opsPost()).toEqual({ M: open });
      expect(await store.claimClose(GATE, 'C0OPS0001', CLAIMED_AT)).toBe(true);

      // A slow sync's claim was taken over: its late release leaves the new claim alone.
      await store.claimClose(GATE, 'C0OPS0001', secondsLater(61));
      await store.releaseClose(GATE, 'C0OPS0001', CLAIMED_AT);
      expect(await opsPost()).toEqual({ M: { ...open, closing: { N: String(CLAIM + 61) } } });

      await store.markClosed(GATE, 'C0OPS0001', 'Approved');
      await store.releaseClose(GATE, 'C0OPS0001', secondsLater(61));
      expect(await opsPost()).toEqual({ M: { ...open, closed: { S: 'Approved' } } });
    });

    it('claims no message that was never recorded, creating neither item nor attribute', async () => {
      expect(await store.claimClose(OTHER_GATE, 'C0OPS0001', CLAIMED_AT)).toBe(false);
      expect(await store.claimClose(GATE, 'C0NOTPOST', CLAIMED_AT)).toBe(false);
      await store.releaseClose(OTHER_GATE, 'C0OPS0001', CLAIMED_AT);
      await store.releaseClose(GATE, 'C0NOTPOST', CLAIMED_AT);
      const { Items } = await dynamodb.send(new ScanCommand({ TableName: dynamo.tableName }));
      expect(Items).toEqual([
        {
          id: { S: ID },
          executionId: { S: GATE.executionId },
          stepExecutionId: { S: GATE.stepExecutionId },
          'post#C0OPS0001': { M: open },
          expiration: { N: '1796230801' },
        },
      ]);
    });
  });

  it('passes on any other DynamoDB error', async () => {
    const missing = dynamoSlackPostStore(dynamodb, 'no-such-table');
    await expect(missing.markClosed(GATE, 'C0OPS0001', 'Approved')).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(missing.postsOf(GATE)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(missing.claimClose(GATE, 'C0OPS0001', KEEP_UNTIL)).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(missing.releaseClose(GATE, 'C0OPS0001', KEEP_UNTIL)).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});
