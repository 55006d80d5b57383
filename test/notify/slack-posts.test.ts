/** The records of posted Slack messages, in dynalite: exact items, one per gate, one attribute per channel. */
import { DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
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

  it('passes on any other DynamoDB error', async () => {
    const missing = dynamoSlackPostStore(dynamodb, 'no-such-table');
    await expect(missing.markClosed(GATE, 'C0OPS0001', 'Approved')).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(missing.postsOf(GATE)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
