import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SLACK_POST_KEY_PREFIX } from '../lambda/notify/slack-posts';
import { QUORUM_KEY_PREFIX } from '../lambda/quorum/claims';

/**
 * What one role may do to the state table's items: these single-item actions, on the items whose partition
 * key starts with one of these prefixes, and on no other item.
 */
export interface StateItemAccess {
  readonly actions: readonly string[];
  /** Partition-key prefixes, taken from the lambda modules that write the items (one source of truth). */
  readonly keyPrefixes: readonly string[];
}

/**
 * The state-table access of the function roles besides the notifier's (whose Powertools idempotency
 * records, under keys the library chooses, need get, put, update and delete on any item: see
 * `ApprovalNotifier`). Exactly the operations the code issues, checked against it:
 *
 * - `signal`: the signal role, which both the signal and the Slack function run as. The Slack function keeps
 *   where each gate's messages were posted (`slack#…`, lambda/notify/slack-posts.ts) and both claim approver
 *   seats (`quorum#…`, lambda/quorum/claims.ts). Both modules read with GetItem and write every change,
 *   the first write of an item included, with one conditional UpdateItem; neither puts nor deletes an item
 *   (a released seat is an UpdateItem that removes attributes; the items expire by TTL), so PutItem and
 *   DeleteItem are not granted.
 * - `confirm`: the confirmation page reads a quorum gate's seat claims (GetItem of `quorum#…`) to complete
 *   SSM's tally with the approvals SSM accepted but does not show yet (lambda/quorum/standing.ts); it
 *   writes nothing.
 */
export const STATE_ITEM_ACCESS = {
  signal: {
    actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
    keyPrefixes: [SLACK_POST_KEY_PREFIX, QUORUM_KEY_PREFIX],
  },
  confirm: {
    actions: ['dynamodb:GetItem'],
    keyPrefixes: [QUORUM_KEY_PREFIX],
  },
} as const satisfies Readonly<Record<string, StateItemAccess>>;

/**
 * Lets `role` do `access.actions` on the table's items whose partition key starts with one of
 * `access.keyPrefixes`, and on no other item: condition `ForAllValues:StringLike` on `dynamodb:LeadingKeys`
 * (`<prefix>*` each). A `ForAllValues` condition also holds when the request carries no partition key (a
 * Scan carries none, and would read every item), while the single-item actions always carry the one item's
 * key: so only they may be granted this way, and anything else is refused at synth time.
 */
export function grantStateItems(role: iam.IRole, table: dynamodb.ITable, access: StateItemAccess): void {
  const others = access.actions.filter((action) => !SINGLE_ITEM_ACTIONS.has(action));
  if (others.length > 0) {
    throw new Error(
      `grantStateItems grants single-item actions only (${[...SINGLE_ITEM_ACTIONS].join(', ')}), got ${others.join(', ')}`,
    );
  }
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [...access.actions],
      resources: [table.tableArn],
      conditions: {
        'ForAllValues:StringLike': {
          'dynamodb:LeadingKeys': access.keyPrefixes.map((prefix) => `${prefix}*`),
        },
      },
    }),
  );
}

/** The actions that name exactly one item by its key, so that `dynamodb:LeadingKeys` always applies. */
const SINGLE_ITEM_ACTIONS: ReadonlySet<string> = new Set([
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
]);
