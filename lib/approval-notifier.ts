import * as path from 'node:path';
import { Aws, Duration, Names, type RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  MAX_LINK_TTL_SECONDS,
  MIN_LINK_TTL_SECONDS,
  NOTIFIER_CONFIG_ENV,
  type NotifierConfig,
  NotifierConfigError,
  type NotifierRouting,
  type Recipients,
  type RoutingRule,
  validateNotifierRouting,
  type WebhookTarget,
} from '../lambda/notify/config';
import * as eventPatterns from '../lambda/notify/event-patterns';
import { STATE_TABLE_ENV } from '../lambda/notify/state-table';
import { QUORUM_KEY_PREFIX } from '../lambda/quorum/claims';
import { grantSsmActions } from './ssm-permissions';
import { type PowertoolsLogLevel, WebhookFunction } from './webhook-function';

/** The repository root: handler entries are given relative to it. */
const REPO_ROOT = path.join(__dirname, '..');

/** Where the notifier's handler lives, relative to the repository root, and its exported name. */
export const NOTIFIER_FUNCTION_ENTRY = { entry: 'lambda/handlers/notifier.ts', handler: 'handler' } as const;

/** Defaults of the notifier, exported so tests and docs can quote them. */
export const APPROVAL_NOTIFIER_DEFAULTS = {
  /**
   * The notifier is invoked asynchronously (SNS, EventBridge), not behind API Gateway: it may take longer
   * than the API's functions, to read the gate and send every message of one gate.
   */
  timeout: Duration.seconds(30),
  /**
   * EventBridge retries when it cannot invoke the function (throttling, an outage), not when the function
   * fails. A late notification is still useful while the gate waits (gates wait up to 30 days), and the
   * notifier checks that the gate still waits, so a stale event is harmless: retry for up to 6 hours.
   */
  eventRetryAttempts: 20,
  eventMaxAge: Duration.hours(6),
  /**
   * Lambda's own retries of a failed asynchronous invocation (its default, made explicit): the notifier
   * throws when a message failed, after sending the others, and its idempotency records make a retry
   * send only what has not been sent. After the last retry the event goes to the dead-letter queue.
   */
  asyncRetryAttempts: 2,
  /** As long as EventBridge keeps trying: a late notification still helps while the gate waits. */
  asyncMaxEventAge: Duration.hours(6),
  /** SQS's longest retention: two weekends and a holiday to look at a failed notification. */
  deadLetterRetention: Duration.days(14),
} as const;

/**
 * The prefix SSM requires of the topic in an `aws:approve` step's `NotificationArn`. The automation role's
 * managed policy (AmazonSSMAutomationRole) allows `sns:Publish` on `arn:aws:sns:*:*:Automation*` only.
 */
export const AUTOMATION_TOPIC_PREFIX = 'Automation';

/** The KMS key that encrypts the topic: SNS's AWS-managed key (see `ApprovalNotifier.topic`). */
export const SNS_MANAGED_KEY_ALIAS = 'alias/aws/sns';

/** What Powertools Idempotency (DynamoDBPersistenceLayer) does to its records; nothing else of DynamoDB. */
export const STATE_TABLE_ITEM_ACTIONS: readonly string[] = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
];

/**
 * Lambda allows 4 KB of environment variables per function. The notifier's other variables and the
 * deploy-time values of its configuration (API URL, role ARN, secret ARN, table name, metrics namespace)
 * take up to about 600 bytes, and the approver seats' role ARNs (`APPROVER_SEAT_ROLE_ARNS`) up to about
 * 1000 (10 seats of up to 98 bytes each); the rest, with a margin, is the routing's.
 */
export const MAX_ROUTING_JSON_BYTES = 2400;

/** E-mail through SES v2. */
export interface NotificationEmailProps {
  /**
   * The sender address (`FromEmailAddress`). The notifier may send as this address only: its SES grant
   * carries the condition `ses:FromAddress` = this address.
   */
  readonly from: string;
  /**
   * The SES identity the notifier may send as: the `from` address itself or its domain, verified in SES
   * in the stack's account and region (the grant is on `arn:<partition>:ses:<region>:<account>:identity/<identity>`).
   * @default - the from address
   */
  readonly identity?: string;
}

/**
 * Who is told about waiting approval gates, and how. Plain values only (no tokens): they are validated at
 * synth time and written into the notifier's `NOTIFIER_CONFIG` environment variable, so they are visible
 * in the template and the function's configuration; together they must fit in about 3000 bytes of JSON
 * (`MAX_ROUTING_JSON_BYTES`).
 */
export interface NotificationProps {
  /**
   * E-mail through SES v2, required when a rule names e-mail recipients.
   * @default - no e-mail, and no SES permission at all
   */
  readonly email?: NotificationEmailProps;
  /**
   * Outgoing webhooks by name (1 to 64 of letters, digits, `_`, `-`): each gets an HTTPS POST signed with
   * `webhookSecret.<name>` from the stack's secret. URLs are `https://` and carry no credentials, neither
   * as user info (refused) nor in the query (visible in the template).
   * @default - none
   */
  readonly webhooks?: Readonly<Record<string, WebhookTarget>>;
  /**
   * Runbook-name patterns → recipients, checked in order; the first match decides. A rule without
   * recipients silences the runbooks it matches. Recipients are `email` addresses, `webhooks` names,
   * `slack` and `teams`:
   * - `slack: { channels, approvers: { users?, userGroups? }, approve? }` posts the gate with Approve and
   *   Reject buttons to the channels (ids `C…`/`G…`; the app must be a member). Only the listed Slack
   *   users (`U…`/`W…`) and members of the listed user groups (`S…`) may decide the rule's gates from
   *   Slack; anyone else who clicks is told so and nothing changes. `approve`: `at-once` (the default)
   *   acts on the click, `with-comment` asks for an optional comment first; Reject always asks for a reason.
   *   The Slack app's signing secret and bot token live in the stack's secret (`npm run keys --
   *   slack-credentials`).
   * - `teams: [name, …]` posts an Adaptive Card to each named Teams workflow webhook, whose buttons open
   *   the confirmation page. The URLs carry their own signature, so they live in the stack's secret
   *   (`teamsWebhookUrl.<name>`, set with `npm run keys -- teams-webhook <name>`), not here.
   * @default - none: every gate goes to `defaultRule`
   */
  readonly rules?: readonly RoutingRule[];
  /**
   * Recipients of gates whose runbook no rule matches, of the same kinds as a rule's (`slack` included,
   * with its approvers).
   * @default - none: such gates are skipped (and the skip logged)
   */
  readonly defaultRule?: Recipients;
  /**
   * The longest a link in a notification stays valid, even when the gate's timeout is longer: from
   * 1 minute to 30 days, in whole seconds.
   * @default Duration.days(7)
   */
  readonly maxLinkTtl?: Duration;
}

/** Notification props resolved: the routing as the notifier reads it, and the SES identity to grant on. */
export interface ResolvedNotifications {
  readonly routing: NotifierRouting;
  /** Set when e-mail is configured. */
  readonly sesIdentity?: string;
}

/** Raised when notification props cannot produce a working notifier. */
export class ApprovalNotifierPropsError extends Error {
  /** What is wrong, without the `notifications: ` prefix. */
  readonly problem: string;

  constructor(problem: string, options?: ErrorOptions) {
    super(`notifications: ${problem}`, options);
    this.name = 'ApprovalNotifierPropsError';
    this.problem = problem;
  }
}

const NOTIFICATION_PROPERTIES = ['email', 'webhooks', 'rules', 'defaultRule', 'maxLinkTtl'];

/**
 * Validates notification props with the notifier's own rules (`validateNotifierRouting`), so a synth fails
 * where a deployed notifier would. Throws `ApprovalNotifierPropsError` naming the property.
 */
export function resolveNotificationProps(props: NotificationProps = {}): ResolvedNotifications {
  const unknown = Object.keys(props).filter((key) => !NOTIFICATION_PROPERTIES.includes(key));
  if (unknown.length > 0) {
    throw new ApprovalNotifierPropsError(
      `unknown propert${unknown.length > 1 ? 'ies' : 'y'} ${unknown.map((key) => JSON.stringify(key)).join(', ')} (allowed: ${NOTIFICATION_PROPERTIES.join(', ')})`,
    );
  }
  const { email, maxLinkTtl, ...recipients } = props;
  if (Token.isUnresolved(JSON.stringify({ email, ...recipients }))) {
    throw new ApprovalNotifierPropsError(
      "must be plain values, not tokens: they are validated at synth time and written into the notifier's configuration",
    );
  }

  let maxLinkTtlSeconds: number | undefined;
  if (maxLinkTtl !== undefined) {
    maxLinkTtlSeconds = Token.isUnresolved(maxLinkTtl)
      ? Number.NaN
      : maxLinkTtl.toSeconds({ integral: false });
    if (
      !Number.isInteger(maxLinkTtlSeconds) ||
      maxLinkTtlSeconds < MIN_LINK_TTL_SECONDS ||
      maxLinkTtlSeconds > MAX_LINK_TTL_SECONDS
    ) {
      throw new ApprovalNotifierPropsError(
        `"maxLinkTtl" must be from 1 minute to 30 days, in whole seconds, got ${maxLinkTtlSeconds} seconds`,
      );
    }
  }

  let sesIdentity: string | undefined;
  if (email !== undefined) {
    if (typeof email !== 'object' || email === null) {
      throw new ApprovalNotifierPropsError('"email" must be an object with a "from" address');
    }
    const extra = Object.keys(email).filter((key) => key !== 'from' && key !== 'identity');
    if (extra.length > 0) {
      throw new ApprovalNotifierPropsError(
        `"email" has unknown propert${extra.length > 1 ? 'ies' : 'y'} ${extra.map((key) => JSON.stringify(key)).join(', ')} (allowed: from, identity)`,
      );
    }
  }

  let routing: NotifierRouting;
  try {
    routing = validateNotifierRouting({
      ...recipients,
      ...(email === undefined ? {} : { email: { from: email.from } }),
      ...(maxLinkTtlSeconds === undefined ? {} : { maxLinkTtlSeconds }),
    });
  } catch (error) {
    if (error instanceof NotifierConfigError) throw new ApprovalNotifierPropsError(error.problem);
    throw error;
  }

  if (email !== undefined && routing.email !== undefined) {
    const from = routing.email.from;
    const identity = email.identity ?? from;
    const domain = from.slice(from.lastIndexOf('@') + 1);
    if (
      typeof identity !== 'string' ||
      (identity.toLowerCase() !== from.toLowerCase() && identity.toLowerCase() !== domain.toLowerCase())
    ) {
      throw new ApprovalNotifierPropsError('"email.identity" must be the from address or its domain');
    }
    sesIdentity = identity;
  }

  const bytes = Buffer.byteLength(JSON.stringify(routing), 'utf8');
  if (bytes > MAX_ROUTING_JSON_BYTES) {
    throw new ApprovalNotifierPropsError(
      `the routing takes ${bytes} bytes of JSON, more than the ${MAX_ROUTING_JSON_BYTES} that the notifier's ` +
        'environment leaves for it (Lambda allows 4 KB of environment variables): use fewer rules, wider ' +
        'runbook patterns or fewer recipients',
    );
  }
  return { routing, ...(sesIdentity === undefined ? {} : { sesIdentity }) };
}

export interface ApprovalNotifierProps {
  /** Base URL of the webhook API: the links in notifications point below it. */
  readonly apiUrl: string;
  /**
   * The role SSM must see among a gate's `Approvers`: the notifier skips gates that the webhook cannot
   * decide.
   */
  readonly signalRole: iam.IRole;
  /** The deployment's secret: link signing keys and webhook signing secrets (`webhookSecret.<name>`). */
  readonly secret: secretsmanager.ISecret;
  /** Where the notifier keeps its idempotency records (one per gate, recipient and channel). */
  readonly stateTable: dynamodb.ITable;
  /** Who is told, and how. @default - nobody: the notifier only logs the gates it sees */
  readonly notifications?: NotificationProps;
  /** Retention of the function's log group. @default RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** @default 'INFO' */
  readonly logLevel?: PowertoolsLogLevel;
  /**
   * More environment variables of the function, beside its configuration: the approver seats
   * (`APPROVER_SEAT_ROLE_ARNS`). Never a secret.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * Tells people that an approval gate waits. Two triggers reach one function: the SNS topic that runbook
 * authors name in their `aws:approve` steps' `NotificationArn`, and EventBridge rules on SSM Automation
 * status-change events, which cover runbooks without a `NotificationArn` and tell the notifier when a gate
 * was decided elsewhere or the run ended, so that it updates the Slack messages it posted. Both deliver at
 * least once, so the function keeps one idempotency record per gate, recipient and channel in the state
 * table (and there the channel and `ts` of each Slack message it posted).
 *
 * The function's role reads executions (`ssm:GetAutomationExecution`), reads the secret, writes items of
 * the state table, sends its failed events to its dead-letter queue (`sqs:SendMessage`), and, when e-mail is
 * configured, sends e-mail as the one configured identity and address. Nothing else.
 */
export class ApprovalNotifier extends Construct {
  /** The notifier function (entry `NOTIFIER_FUNCTION_ENTRY`). */
  public readonly function: WebhookFunction;
  /** The function's role. */
  public readonly role: iam.Role;
  /**
   * The topic for `NotificationArn`, named `Automation-<unique suffix>` as SSM requires.
   *
   * Encrypted with SNS's AWS-managed key (`alias/aws/sns`), not a customer managed key: SSM publishes
   * with the runbook's AutomationAssumeRole (or the starting user's credentials), an IAM principal of
   * this account. The AWS-managed key's policy lets every principal of the account use it through SNS, so
   * an automation role needs only `sns:Publish` on the topic; a customer managed key would need
   * `kms:GenerateDataKey*` and `kms:Decrypt` in every automation role too. The AWS-managed key cannot serve
   * AWS service principals (e.g. CloudWatch alarms) or other accounts, and neither publishes here:
   * `aws:approve` does not support multi-account automations.
   */
  public readonly topic: sns.Topic;
  /**
   * One EventBridge rule per pattern of `NOTIFIER_EVENT_PATTERNS` (`lambda/notify/event-patterns.ts`), in
   * its order: gates that start waiting, and the status changes after which a posted chat message must be
   * updated. Each rule's construct id comes from its pattern's export name (see `eventRuleId`).
   */
  public readonly eventRules: readonly events.Rule[];
  /**
   * Where failed notifications land, never lost: the function's asynchronous invocations that failed after
   * Lambda's retries (its on-failure destination: the event, the error, the invocation's context), and the
   * events SNS or EventBridge could not deliver to it at all (the subscription's redrive policy, the rules'
   * dead-letter queue). SSE-SQS, TLS only, 14 days' retention; its queue policy lets the topic and each rule
   * send, by source ARN, and the function's role holds `sqs:SendMessage` on it.
   */
  public readonly deadLetterQueue: sqs.Queue;
  /** The configuration passed to the function, without the deploy-time `apiUrl` and `signalRoleArn`. */
  public readonly routing: NotifierRouting;
  /**
   * The variables that carry the notifier's configuration: `NOTIFIER_CONFIG` (the JSON of a
   * `NotifierConfig`, whose API URL and role ARN resolve at deploy time) and `STATE_TABLE_NAME`. The Slack
   * function gets the very same ones: it reads the routing rules to learn who may decide a gate, and keeps
   * its records in the same table. Plain strings with tokens, no reference to the notifier's resources, so
   * sharing them adds no dependency between the two functions.
   */
  public readonly configEnvironment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: ApprovalNotifierProps) {
    super(scope, id);
    const { routing, sesIdentity } = resolveNotificationProps(props.notifications);
    this.routing = routing;

    const config: NotifierConfig = {
      apiUrl: props.apiUrl,
      signalRoleArn: props.signalRole.roleArn,
      ...routing,
    };
    this.configEnvironment = {
      // Tokens (the API URL, the role ARN) resolve at deploy time inside the JSON string.
      [NOTIFIER_CONFIG_ENV]: Stack.of(this).toJsonString(config),
      [STATE_TABLE_ENV]: props.stateTable.tableName,
    };
    this.function = new WebhookFunction(this, 'Function', {
      entry: path.join(REPO_ROOT, NOTIFIER_FUNCTION_ENTRY.entry),
      handler: NOTIFIER_FUNCTION_ENTRY.handler,
      description: 'Tells approvers that an SSM Automation approval gate waits',
      secret: props.secret,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      logLevel: props.logLevel,
      timeout: APPROVAL_NOTIFIER_DEFAULTS.timeout,
      environment: { ...this.configEnvironment, ...props.environment },
    });
    this.role = this.function.role;

    grantSsmActions(this.role, 'notifier');
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...STATE_TABLE_ITEM_ACTIONS],
        resources: [props.stateTable.tableArn],
      }),
    );
    // Its idempotency records need any key, but never the approver-seat claims: they alone keep one person
    // to one seat of a quorum gate (lambda/quorum/claims.ts), so only the signal role may change them.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: [...STATE_TABLE_ITEM_ACTIONS],
        resources: [props.stateTable.tableArn],
        conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [`${QUORUM_KEY_PREFIX}*`] } },
      }),
    );
    if (routing.email !== undefined && sesIdentity !== undefined) {
      // SES v2 SendEmail (simple content) authorizes as ses:SendEmail on the identity it sends as.
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['ses:SendEmail'],
          resources: [
            Stack.of(this).formatArn({
              partition: Aws.PARTITION,
              region: Aws.REGION,
              account: Aws.ACCOUNT_ID,
              service: 'ses',
              resource: 'identity',
              resourceName: sesIdentity,
            }),
          ],
          conditions: { StringEquals: { 'ses:FromAddress': routing.email.from } },
        }),
      );
    }

    this.topic = new sns.Topic(this, 'Topic', {
      topicName: `${AUTOMATION_TOPIC_PREFIX}-${Names.uniqueResourceName(this, {
        maxLength: 256 - AUTOMATION_TOPIC_PREFIX.length - 1,
      })}`,
      displayName: 'SSM Automation approval gates (ssm-approval-webhook)',
      masterKey: kms.Alias.fromAliasName(this, 'SnsManagedKey', SNS_MANAGED_KEY_ALIAS),
      enforceSSL: true,
    });
    // Publishing is for this account's principals whose own policy allows it: the automation roles of
    // runbooks (AmazonSSMAutomationRole allows sns:Publish on Automation* topics) or the users who start them.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'PublishFromThisAccount',
        actions: ['sns:Publish'],
        principals: [new iam.AccountRootPrincipal()],
        resources: [this.topic.topicArn],
      }),
    );
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      // SSE-SQS, not KMS: SNS and EventBridge write into it as service principals, which cannot use the
      // AWS-managed SQS key, and a customer managed key would need a key policy for each of them.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: APPROVAL_NOTIFIER_DEFAULTS.deadLetterRetention,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue itself: of the notifier function (on-failure destination), of its ' +
        'EventBridge targets and of its SNS subscription. Nothing consumes it automatically; its depth alarm ' +
        'tells an operator, who reads and redrives the events by hand (docs/operations.md).',
    });
    // The on-failure destination: after Lambda's retries, the event with the error and the invocation's
    // context. Hand-written instead of aws-lambda-destinations' SqsDestination, which also grants
    // sqs:GetQueueAttributes and sqs:GetQueueUrl: Lambda needs sqs:SendMessage only.
    const onFailure: lambda.IDestination = { bind: () => ({ destination: this.deadLetterQueue.queueArn }) };
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
    );
    this.function.function.configureAsyncInvoke({
      onFailure,
      retryAttempts: APPROVAL_NOTIFIER_DEFAULTS.asyncRetryAttempts,
      maxEventAge: APPROVAL_NOTIFIER_DEFAULTS.asyncMaxEventAge,
    });

    // SNS's redrive policy: a message SNS could not hand to Lambda at all (throttled past SNS's retries,
    // permission removed) lands in the same queue. The queue policy lets only this topic send.
    this.topic.addSubscription(
      new subscriptions.LambdaSubscription(this.function.function, { deadLetterQueue: this.deadLetterQueue }),
    );

    // EventBridge's own dead-letter queue, for events it could not deliver within its retries; the queue
    // policy lets each rule send, by its ARN.
    const target = new targets.LambdaFunction(this.function.function, {
      retryAttempts: APPROVAL_NOTIFIER_DEFAULTS.eventRetryAttempts,
      maxEventAge: APPROVAL_NOTIFIER_DEFAULTS.eventMaxAge,
      deadLetterQueue: this.deadLetterQueue,
    });
    // The patterns are shared with the local runner (lambda/notify/event-patterns.ts), like the routes.
    this.eventRules = eventPatterns.NOTIFIER_EVENT_PATTERNS.map(
      (pattern) =>
        new events.Rule(this, eventRuleId(pattern), {
          description: eventRuleDescription(pattern),
          eventPattern: toCdkPattern(pattern),
          targets: [target],
        }),
    );
  }
}

/**
 * The construct id of the rule for `pattern`: the name under which lambda/notify/event-patterns.ts exports
 * it, `_PATTERN` replaced by `Rule`, in PascalCase (`WAITING_EXECUTION_PATTERN` → `WaitingExecutionRule`).
 * Named, not numbered, so that adding or reordering patterns replaces no existing rule.
 */
export function eventRuleId(pattern: eventPatterns.EventPattern): string {
  const exported = Object.entries(eventPatterns).find(
    ([name, value]) => value === pattern && name.endsWith('_PATTERN'),
  );
  if (exported === undefined) {
    throw new Error(
      'every pattern of NOTIFIER_EVENT_PATTERNS must be exported on its own as <NAME>_PATTERN from ' +
        'lambda/notify/event-patterns.ts: its rule is named after it',
    );
  }
  const words = exported[0].replace(/_PATTERN$/, '').split('_');
  return `${words.map((word) => `${word.charAt(0)}${word.slice(1).toLowerCase()}`).join('')}Rule`;
}

/** What the rule matches, in words, from the pattern itself so the two cannot disagree. */
export function eventRuleDescription(pattern: eventPatterns.EventPattern): string {
  const fields = Object.entries(pattern.detail).map(([field, values]) => `${field} ${values.join(' or ')}`);
  return `ssm-approval-webhook notifier: ${pattern['detail-type'].join(' or ')}, ${fields.join(', ')}`;
}

function toCdkPattern(pattern: eventPatterns.EventPattern): events.EventPattern {
  return {
    source: [...pattern.source],
    detailType: [...pattern['detail-type']],
    detail: Object.fromEntries(Object.entries(pattern.detail).map(([field, values]) => [field, [...values]])),
  };
}
