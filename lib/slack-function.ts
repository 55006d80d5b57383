import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { WebhookFunction } from './webhook-function';

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
 * Gives the Slack function what it needs besides what the role it runs as holds (the signal role, see
 * `SHARED_ROLES`: its SSM actions, and its state-table items, `STATE_ITEM_ACCESS.signal`):
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
): iam.Policy {
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
