/**
 * Where each gate's Slack messages were posted, so that they can be made true later (DESIGN.md §8): when
 * the gate is decided elsewhere, times out or the run ends, every message still showing buttons is
 * replaced by what happened (slack-sync.ts), and the Slack function does the same after a click.
 *
 * One item per gate in the webhook's state table (state-table.ts), beside the idempotency records:
 *
 *   { id: "slack#<executionId>#<stepExecutionId>", executionId, stepExecutionId,
 *     "post#C0123OPS": { channelId: "C0123OPS", ts: "1700000000.000100", teamId: "T0123",
 *                        closing?: <epoch seconds>, closed?: "Approved" },
 *     expiration: <epoch seconds> }
 *
 * One top-level attribute per channel rather than one map of channels: DynamoDB cannot create a map and
 * set an entry of it in the same update ("two document paths overlap"), while a top-level attribute is set
 * atomically by one UpdateItem, so two channels posted at the same time never overwrite each other.
 *
 * `closing` and `closed` make one update per message when its gate closes, although several syncs run at
 * once for the same close (the Slack function's after a click, the notifier's for each status-change
 * event): a sync first claims the message (claimClose: `closing` = when, by a conditional write that only
 * one of them wins), updates it, then records the result (markClosed: `closed`, `closing` removed) or, when
 * the update failed, gives the claim back (releaseClose). A claim older than {@link CLOSE_CLAIM_STALE_SECONDS}
 * is one whose sync crashed before it could do either, and the next sync takes it over.
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
  /** When (epoch seconds) a sync claimed the message to update it (claimClose); gone once closed or released. */
  readonly closing?: number;
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
  /**
   * Claims the channel's message for the one update that closes it; true when this caller won. False when
   * it is not recorded, already closed, or claimed by another caller less than CLOSE_CLAIM_STALE_SECONDS ago.
   */
  claimClose(gate: GateKey, channelId: string, now: Date): Promise<boolean>;
  /** Records that the message shows `result` (and ends any claim); a message never recorded is left alone. */
  markClosed(gate: GateKey, channelId: string, result: string): Promise<void>;
  /** Gives back the claim made at `claimedAt` after a failed update; no-op when it is no longer that claim. */
  releaseClose(gate: GateKey, channelId: string, claimedAt: Date): Promise<void>;
}

export const SLACK_POST_KEY_PREFIX = 'slack#';
/** The attribute of one channel's message: `post#<channelId>`. */
export const SLACK_POST_ATTRIBUTE_PREFIX = 'post#';

/**
 * After this long a claim is taken to belong to a sync that crashed (or its Lambda timed out) between claim
 * and update. Well above what one bounded update takes (lambda/slack/web-client.ts: 5 s per attempt, three
 * attempts, pauses of at most 1 s), so that a slow but live update is not repeated; and no longer than
 * Lambda's first retry of a failed asynchronous invocation (at least a minute), which then takes it over.
 */
export const CLOSE_CLAIM_STALE_SECONDS = 60;

/** The item id of a gate's posts. */
export const slackPostItemId = (gate: GateKey): string =>
  `${SLACK_POST_KEY_PREFIX}${gate.executionId}#${gate.stepExecutionId}`;

const key = (gate: GateKey) => ({ [STATE_TABLE_SCHEMA.partitionKey]: slackPostItemId(gate) });

const postAttribute = (channelId: string): string => `${SLACK_POST_ATTRIBUTE_PREFIX}${channelId}`;

/** A claim's value: whole epoch seconds, so that the claimer can name its own claim when giving it back. */
const epochSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

/** By name: the class may come from another copy of the SDK than the one the client was built with. */
const conditionFailed = (error: unknown): boolean =>
  (error as Error | undefined)?.name === 'ConditionalCheckFailedException';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One stored post, or undefined when the attribute is not one (a hand-edited item is skipped, not trusted). */
const postFrom = (value: unknown): PostedMessage | undefined => {
  if (!isRecord(value)) return undefined;
  const { channelId, ts, teamId, closing, closed } = value;
  if (typeof channelId !== 'string' || typeof ts !== 'string' || typeof teamId !== 'string') return undefined;
  return {
    channelId,
    ts,
    teamId,
    ...(typeof closing === 'number' ? { closing } : {}),
    ...(typeof closed === 'string' ? { closed } : {}),
  };
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
            '#post': postAttribute(post.channelId),
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

    /**
     * One conditional write, so that of several syncs at once exactly one wins: `closing` is set only on a
     * recorded message that is not closed and not claimed, or whose claim is stale (a crashed sync's).
     */
    claimClose: async (gate, channelId, now) => {
      const claim = epochSeconds(now);
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(gate),
            UpdateExpression: 'SET #post.#closing = :claim',
            ConditionExpression:
              'attribute_exists(#post) AND attribute_not_exists(#post.#closed) AND ' +
              '(attribute_not_exists(#post.#closing) OR #post.#closing < :stale)',
            ExpressionAttributeNames: {
              '#post': postAttribute(channelId),
              '#closing': 'closing',
              '#closed': 'closed',
            },
            ExpressionAttributeValues: { ':claim': claim, ':stale': claim - CLOSE_CLAIM_STALE_SECONDS },
          }),
        );
        return true;
      } catch (error) {
        if (conditionFailed(error)) return false;
        throw error;
      }
    },

    /**
     * Notes that the channel's message shows `result`, whoever claimed it (a slow sync whose claim was taken
     * over wrote the same truth); a message never recorded is left alone.
     */
    markClosed: async (gate, channelId, result) => {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(gate),
            UpdateExpression: 'SET #post.#closed = :closed REMOVE #post.#closing',
            ConditionExpression: 'attribute_exists(#post)',
            ExpressionAttributeNames: {
              '#post': postAttribute(channelId),
              '#closed': 'closed',
              '#closing': 'closing',
            },
            ExpressionAttributeValues: { ':closed': result },
          }),
        );
      } catch (error) {
        if (conditionFailed(error)) return;
        throw error;
      }
    },

    /**
     * Removes the claim made at `claimedAt`, so that the next sync updates the message at once rather than
     * after the claim went stale; a claim since taken over (or a message since closed) is not ours to touch.
     */
    releaseClose: async (gate, channelId, claimedAt) => {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(gate),
            UpdateExpression: 'REMOVE #post.#closing',
            ConditionExpression: '#post.#closing = :claim',
            ExpressionAttributeNames: { '#post': postAttribute(channelId), '#closing': 'closing' },
            ExpressionAttributeValues: { ':claim': epochSeconds(claimedAt) },
          }),
        );
      } catch (error) {
        if (conditionFailed(error)) return;
        throw error;
      }
    },
  };
};
