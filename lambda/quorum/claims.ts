/**
 * Seat claims: which person holds which approver seat of one gate, so that concurrent approvals never
 * share a seat and one person never holds two (docs/quorum.md). One item per gate in the webhook's state
 * table (lambda/notify/state-table.ts), beside the idempotency records and Slack posts:
 *
 *   { id: "quorum#<executionId>#<stepExecutionId>", executionId, stepExecutionId,
 *     "seat#arn:aws:iam::…:role/…-seat-2": { person: "link:alice@example.com", name: "alice@example.com",
 *                                            state: "sending" | "sent", at: "2026-12-01T16:04:00.000Z" },
 *     "person#link:alice@example.com": "arn:aws:iam::…:role/…-seat-2",
 *     expiration: <epoch seconds> }
 *
 * A claim sets the seat's attribute and the person's attribute in one conditional UpdateItem that
 * requires both to be absent: DynamoDB applies it whole or not at all, so two requests racing for one
 * seat, or one person's two requests racing for two seats, end with exactly one claim. Top-level
 * attributes, not maps of seats and persons, for the reason slack-posts.ts gives (one update cannot create
 * a map and set an entry of it).
 *
 * The table only keeps requests apart; SSM's own record (ApproverDecisions) stays the truth of who
 * approved: a seat SSM shows decided is taken whatever this item says.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { GateKey } from '../notify/slack-posts';
import { STATE_TABLE_SCHEMA } from '../notify/state-table';

export const QUORUM_KEY_PREFIX = 'quorum#';
export const SEAT_ATTRIBUTE_PREFIX = 'seat#';
export const PERSON_ATTRIBUTE_PREFIX = 'person#';

/**
 * `sending`: claimed, the signal is being sent (or was, and its outcome is unknown: SSM's record decides
 * later); `sent`: SSM accepted it, or showed it applied.
 */
export type ClaimState = 'sending' | 'sent';

export interface SeatClaim {
  /** The seat's role ARN. */
  readonly seat: string;
  /** The person key (person.ts). */
  readonly person: string;
  /** The person's name as their decision's Comment records it, for the tally shown to people. */
  readonly name: string;
  readonly state: ClaimState;
  /** When the seat was claimed. */
  readonly at: Date;
}

export type ClaimResult =
  | { readonly kind: 'claimed' }
  /** This person already holds a seat at this gate (theirs, maybe another than the one asked for). */
  | { readonly kind: 'holds'; readonly claim: SeatClaim }
  /** Another person holds the seat. */
  | { readonly kind: 'taken' };

export interface ClaimStore {
  /** Every claim of the gate, by seat; a strongly consistent read. */
  claimsOf(gate: GateKey): Promise<readonly SeatClaim[]>;
  /** Claims `seat` for the person, unless the seat or the person is taken. The item lives until `expiresAt`. */
  claim(gate: GateKey, claim: Omit<SeatClaim, 'state'>, expiresAt: Date): Promise<ClaimResult>;
  /** The person's signal through the seat took effect. */
  markSent(gate: GateKey, seat: string, person: string): Promise<void>;
  /** Frees the person's seat: their attempt provably did nothing. A seat someone else holds is left alone. */
  release(gate: GateKey, seat: string, person: string): Promise<void>;
}

export const quorumItemId = (gate: GateKey): string =>
  `${QUORUM_KEY_PREFIX}${gate.executionId}#${gate.stepExecutionId}`;

const key = (gate: GateKey) => ({ [STATE_TABLE_SCHEMA.partitionKey]: quorumItemId(gate) });

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One stored claim, or undefined when the attribute is not one (a hand-edited item is skipped). */
const claimFrom = (seat: string, value: unknown): SeatClaim | undefined => {
  if (!isRecord(value)) return undefined;
  const { person, name, state, at } = value;
  if (typeof person !== 'string' || typeof name !== 'string' || typeof at !== 'string') return undefined;
  if (state !== 'sending' && state !== 'sent') return undefined;
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? undefined : { seat, person, name, state, at: date };
};

/** By name: the class may come from another copy of the SDK than the one the client was built with. */
const conditionFailed = (error: unknown): boolean =>
  (error as Error | null)?.name === 'ConditionalCheckFailedException';

export const dynamoClaimStore = (client: DynamoDBClient, tableName: string): ClaimStore => {
  const documents = DynamoDBDocumentClient.from(client);
  const claimsOf = async (gate: GateKey): Promise<readonly SeatClaim[]> => {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: key(gate), ConsistentRead: true }),
    );
    if (!Item) return [];
    return Object.entries(Item)
      .filter(([name]) => name.startsWith(SEAT_ATTRIBUTE_PREFIX))
      .map(([name, value]) => claimFrom(name.slice(SEAT_ATTRIBUTE_PREFIX.length), value))
      .filter((claim): claim is SeatClaim => claim !== undefined);
  };
  return {
    claimsOf,

    claim: async (gate, { seat, person, name, at }, expiresAt) => {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(gate),
            UpdateExpression:
              'SET #seat = :claim, #person = :seat, #executionId = :executionId, #stepExecutionId = :stepExecutionId, #expiration = :expiration',
            ConditionExpression: 'attribute_not_exists(#seat) AND attribute_not_exists(#person)',
            ExpressionAttributeNames: {
              '#seat': `${SEAT_ATTRIBUTE_PREFIX}${seat}`,
              '#person': `${PERSON_ATTRIBUTE_PREFIX}${person}`,
              '#executionId': 'executionId',
              '#stepExecutionId': 'stepExecutionId',
              '#expiration': STATE_TABLE_SCHEMA.ttlAttribute,
            },
            ExpressionAttributeValues: {
              ':claim': { person, name, state: 'sending', at: at.toISOString() },
              ':seat': seat,
              ':executionId': gate.executionId,
              ':stepExecutionId': gate.stepExecutionId,
              ':expiration': Math.ceil(expiresAt.getTime() / 1000),
            },
          }),
        );
        return { kind: 'claimed' };
      } catch (error) {
        if (!conditionFailed(error)) throw error;
      }
      // Why the condition failed, read after it (claims are only ever taken whole and released whole).
      const claims = await claimsOf(gate);
      const held = claims.find((claim) => claim.person === person);
      return held ? { kind: 'holds', claim: held } : { kind: 'taken' };
    },

    markSent: async (gate, seat, person) => {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(gate),
            UpdateExpression: 'SET #seat.#state = :sent',
            ConditionExpression: '#seat.#person = :person',
            ExpressionAttributeNames: {
              '#seat': `${SEAT_ATTRIBUTE_PREFIX}${seat}`,
              '#state': 'state',
              '#person': 'person',
            },
            ExpressionAttributeValues: { ':sent': 'sent', ':person': person },
          }),
        );
      } catch (error) {
        if (!conditionFailed(error)) throw error;
      }
    },

    release: async (gate, seat, person) => {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(gate),
            UpdateExpression: 'REMOVE #seat, #personSeat',
            ConditionExpression: '#seat.#person = :person',
            ExpressionAttributeNames: {
              '#seat': `${SEAT_ATTRIBUTE_PREFIX}${seat}`,
              '#personSeat': `${PERSON_ATTRIBUTE_PREFIX}${person}`,
              '#person': 'person',
            },
            ExpressionAttributeValues: { ':person': person },
          }),
        );
      } catch (error) {
        if (!conditionFailed(error)) throw error;
      }
    },
  };
};
