import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { SLACK_POST_KEY_PREFIX } from '../lambda/notify/slack-posts';
import type { WebhookFunction } from './webhook-function';

/**
 * The partition-key prefix of every state-table item the Slack function reads or writes: where each gate's
 * Slack messages were posted (`slack#<executionId>#<stepExecutionId>`, lambda/notify/slack-posts.ts). The
 * IAM condition below holds the Slack function to these items; the notifier's idempotency records are
 * out of its reach.
 */
export const SLACK_STATE_KEY_PREFIX = SLACK_POST_KEY_PREFIX;

/** The item actions the Slack function needs on its `slack#` items: nothing that reads or deletes in bulk. */
export const SLACK_STATE_ITEM_ACTIONS: readonly string[] = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
];

/** Defaults of the Slack function, exported so tests and docs can quote them. */
export const SLACK_FUNCTION_DEFAULTS = {
  /**
   * The function answers Slack within its 3 s and hands the decision to itself with an asynchronous
   * invocation (InvocationType `Event`). Lambda would retry a failed one twice: a retry after a lost answer
   * from SSM could act twice, and the decision reports its own failures in the Slack message and the log.
   */
  asyncRetryAttempts: 0,
  /**
   * An asynchronous invocation older than this is dropped instead of run: a click that waited this long in
   * Lambda's queue (throttling) is better clicked again by a person who sees the message's current state.
   */
  asyncMaxEventAge: Duration.minutes(15),
} as const;

/**
 * Gives the Slack function what it needs besides the SSM actions of the role it runs as (the signal role,
 * see `SHARED_ROLES`):
 * - get, put and update of the state table's items whose key starts with `slack#`, and no other item
 *   (condition `ForAllValues:StringLike` on `dynamodb:LeadingKeys`), on its role's default policy. A
 *   `ForAllValues` condition also holds when the request has no such key, but these single-item actions
 *   always carry the item's partition key;
 * - `lambda:InvokeFunction` on the function itself (its unqualified ARN, which an invocation by
 *   `AWS_LAMBDA_FUNCTION_NAME` authorizes on), in a separate policy named `id`: in the role's default
 *   policy it would make a cycle, because the function waits for that policy and the statement names the
 *   function's ARN;
 * - its asynchronous invocations: no retry (`SLACK_FUNCTION_DEFAULTS`).
 *
 * Returns the self-invoke policy.
 */
export function grantSlackFunctionNeeds(
  scope: Construct,
  id: string,
  slackFunction: WebhookFunction,
  stateTable: dynamodb.ITable,
): iam.Policy {
  slackFunction.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [...SLACK_STATE_ITEM_ACTIONS],
      resources: [stateTable.tableArn],
      conditions: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${SLACK_STATE_KEY_PREFIX}*`] },
      },
    }),
  );
  slackFunction.function.configureAsyncInvoke({
    retryAttempts: SLACK_FUNCTION_DEFAULTS.asyncRetryAttempts,
    maxEventAge: SLACK_FUNCTION_DEFAULTS.asyncMaxEventAge,
  });
  return new iam.Policy(scope, id, {
    roles: [slackFunction.role],
    statements: [
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [slackFunction.function.functionArn],
      }),
    ],
  });
}
