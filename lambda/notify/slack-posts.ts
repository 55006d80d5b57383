/**
 * Where each gate's Slack messages were posted, so that they can be made true later (DESIGN.md §8): when
 * the gate is decided elsewhere, times out or the run ends, every message still showing buttons is
 * replaced by what happened (slack-sync.ts), and the Slack function does the same after a click.
 *
 * One item per gate in the webhook's state table (state-table.ts), beside the idempotency records:
 *
 *   { id: "slack#<executionId>#<stepExecutionId>", executionId, stepExecutionId,
 *     "post#C0123OPS": { channelId: "C0123OPS", ts: "1700000000.000100", teamId: "T0123", closed?: "Approved" },
 *     expiration: <epoch seconds> }
 *
 * One top-level attribute per channel rather than one map of channels: DynamoDB cannot create a map and
 * set an entry of it in the same update ("two document paths overlap"), while a top-level attribute is set
 * atomically by one UpdateItem, so two channels posted at the same time never overwrite each other.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { STATE_TABLE_SCHEMA } from './state-table';

export interface GateKey {
  readonly executionId: string;
  readonly stepExecutionId: string;
}

export interface PostedMessage {
  readonly channelId: string;
  readonly ts: string;
  readonly teamId: string;
  /** set once the message shows the gate's final state */
  readonly closed?: string;
}

export interface SlackPostStore {
  record(
    gate: GateKey,
    post: { channelId: string; ts: string; teamId: string },
    expiresAt: Date,
  ): Promise<void>;
  postsOf(gate: GateKey): Promise<PostedMessage[]>;
  markClosed(gate: GateKey, channelId: string, result: string): Promise<void>;
}

export const SLACK_POST_KEY_PREFIX = 'slack#';
/** The attribute of one channel's message: `post#<channelId>`. */
export const SLACK_POST_ATTRIBUTE_PREFIX = 'post#';

/** The item id of a gate's posts. */
export const slackPostItemId = (gate: GateKey): string =>
  `${SLACK_POST_KEY_PREFIX}${gate.executionId}#${gate.stepExecutionId}`;

const key = (gate: GateKey) => ({ [STATE_TABLE_SCHEMA.partitionKey]: slackPostItemId(gate) });

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One stored post, or undefined when the attribute is not one (a hand-edited item is skipped, not trusted). */
const postFrom = (value: unknown): PostedMessage | undefined => {
  if (!isRecord(value)) return undefined;
  const { channelId, ts, teamId, closed } = value;
  if (typeof channelId !== 'string' || typeof ts !== 'string' || typeof teamId !== 'string') return undefined;
  return { channelId, ts, teamId, ...(typeof closed === 'string' ? { closed } : {}) };
};

export const dynamoSlackPostStore = (client: DynamoDBClient, tableName: string): SlackPostStore => {
  const documents = DynamoDBDocumentClient.from(client);
  return {
    /**
     * Keeps one channel's message (a second post to the same channel replaces the first's record). The item
     * lives until `expiresAt`: give it some time past the gate's links, after which nothing can decide it.
     */
    record: async (gate, post, expiresAt) => {
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(gate),
          UpdateExpression:
            'SET #post = :post, #executionId = :executionId, #stepExecutionId = :stepExecutionId, #expiration = :expiration',
          ExpressionAttributeNames: {
            '#post': `${SLACK_POST_ATTRIBUTE_PREFIX}${post.channelId}`,
            '#executionId': 'executionId',
            '#stepExecutionId': 'stepExecutionId',
            '#expiration': STATE_TABLE_SCHEMA.ttlAttribute,
          },
          ExpressionAttributeValues: {
            ':post': { channelId: post.channelId, ts: post.ts, teamId: post.teamId },
            ':executionId': gate.executionId,
            ':stepExecutionId': gate.stepExecutionId,
            ':expiration': Math.ceil(expiresAt.getTime() / 1000),
          },
        }),
      );
    },

    /** Every recorded message of the gate, by channel id; a strongly consistent read, right after a post. */
    postsOf: async (gate) => {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: key(gate), ConsistentRead: true }),
      );
      if (!Item) return [];
      return Object.entries(Item)
        .filter(([name]) => name.startsWith(SLACK_POST_ATTRIBUTE_PREFIX))
        .map(([, value]) => postFrom(value))
        .filter((post): post is PostedMessage => post !== undefined)
        .sort((a, b) => (a.channelId < b.channelId ? -1 : a.channelId > b.channelId ? 1 : 0));
    },

    /** Notes that the channel's message shows `result`; a message never recorded is left alone. */
    markClosed: async (gate, channelId, result) => {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(gate),
            UpdateExpression: 'SET #post.#closed = :closed',
            ConditionExpression: 'attribute_exists(#post)',
            ExpressionAttributeNames: {
              '#post': `${SLACK_POST_ATTRIBUTE_PREFIX}${channelId}`,
              '#closed': 'closed',
            },
            ExpressionAttributeValues: { ':closed': result },
          }),
        );
      } catch (error) {
        // By name: the class may come from another copy of the SDK than the one the client was built with.
        if ((error as Error).name === 'ConditionalCheckFailedException') return;
        throw error;
      }
    },
  };
};
