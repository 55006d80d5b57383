import * as path from 'node:path';
import { Names, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { STATE_TABLE_ENV, STATE_TABLE_SCHEMA } from '../lambda/notify/state-table';
import { FUNCTION_ENTRIES, type FunctionName, ROUTES, type RouteDefinition } from '../lambda/routes';
import { ApprovalNotifier, type NotificationProps, resolveNotificationProps } from './approval-notifier';
import {
  type AlarmThresholds,
  ApprovalWebhookAlarms,
  resolveAlarmThresholds,
} from './approval-webhook-alarms';
import { ApprovalWebhookDashboard } from './approval-webhook-dashboard';
import { APPROVER_SEATS_DEFAULTS, ApproverSeats, validateApproverSeats } from './approver-seats';
import { cloudFormationExecutionRoleArn, restrictSecretAccess, roleArnProblem } from './secret-policy';
import { grantSlackFunctionNeeds } from './slack-function';
import { grantSsmActions, SHARED_ROLES, type SsmRoleName } from './ssm-permissions';
import { grantStateItems, STATE_ITEM_ACCESS } from './state-table-access';
import { type PowertoolsLogLevel, WEBHOOK_FUNCTION_DEFAULTS, WebhookFunction } from './webhook-function';

/** The repository root: `lambda/routes.ts` gives handler entries relative to it. */
const REPO_ROOT = path.join(__dirname, '..');

/** Defaults of `ApprovalWebhookProps`, exported so tests and docs can quote them. */
export const APPROVAL_WEBHOOK_DEFAULTS = {
  /** Requests per second, steady state, per route (see `ApprovalWebhookProps.throttleRateLimit`). */
  throttleRateLimit: 10,
  /** Requests admitted at once above the steady rate, per route. */
  throttleBurstLimit: 20,
  logRetention: WEBHOOK_FUNCTION_DEFAULTS.logRetention,
} as const;

/**
 * The secret's initial JSON layout. This is the contract with the runtime code: link signing keys
 * are properties named `linkKey.<kid>`, `activeLinkKeyId` names the key that signs new links, and
 * `apiClients` lists `{ name, sha256 }` of the API client tokens. Secrets Manager generates the
 * first key at deploy time, so no key ever appears in the template. Operators add the rest with
 * `npm run keys`: `webhookSecret.<name>`, `teamsWebhookUrl.<name>`, and the Slack app's
 * `slackSigningSecret` and `slackBotToken`.
 */
export const SECRET_TEMPLATE = { activeLinkKeyId: 'k1', apiClients: [] } as const;
export const SECRET_GENERATED_KEY = 'linkKey.k1';

export { SECRET_READ_ACTIONS, SECRET_WRITE_ACTIONS } from './secret-policy';
export { SSM_ACTIONS, SSM_READ_ACTIONS } from './ssm-permissions';

/** Raised when props cannot produce a working deployment. */
export class ApprovalWebhookPropsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ApprovalWebhookPropsError';
  }
}

/**
 * The access log line. It uses `$context.routeKey` and never `$context.path` or the query string,
 * because link tokens travel in the query string of the confirmation page's URL.
 */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  integrationErrorMessage: '$context.integrationErrorMessage',
};

const POST_ROUTE_AUTH_REASON =
  'The handler authenticates every request itself: a signed link token (HS256 JWS bound to the execution, ' +
  'action and expiry) that the confirmation page posts back in the form body, or an API client bearer token ' +
  'checked against SHA-256 hashes in the secret. API Gateway authorizers do not see the request body, so ' +
  'they cannot verify the link token, and splitting the bearer check from it would split one decision in two.';
const SLACK_ROUTE_AUTH_REASON =
  "Slack signs every interactivity request (X-Slack-Signature, HMAC-SHA256 with the app's signing secret over " +
  'the timestamp and the raw body); API Gateway authorizers do not see the body, so the handler verifies the ' +
  'signature on the exact bytes before it parses anything, and then checks the clicking Slack user against ' +
  "the gate's routing rule.";
const GET_ROUTE_AUTH_REASON =
  'The GET route only renders a confirmation page and never changes an execution (so mail scanners that ' +
  'prefetch links change nothing); the handler verifies the signed link token before rendering anything.';
const OPENAPI_ROUTE_AUTH_REASON =
  "The route serves the API's own OpenAPI description, the same for every caller: public by design, " +
  'read-only, it takes no credentials and its handler reads no secret, no execution and no table item, ' +
  'so there is nothing for an authorizer to protect.';

export interface ApprovalWebhookProps {
  /**
   * Steady-state request rate (requests per second) of the `$default` stage's default route settings.
   * Assumption, from API Gateway's documentation of HTTP API throttling: these limits apply to each route
   * on its own; the only limit over all routes together is the account's, per region.
   * @default 10
   */
  readonly throttleRateLimit?: number;
  /**
   * Burst capacity (requests) of the `$default` stage's default route settings, per route like the rate.
   * @default 20
   */
  readonly throttleBurstLimit?: number;
  /**
   * Retention of every log group (the functions and the API access log).
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log groups when they leave the stack.
   * @default RemovalPolicy.RETAIN - they are the audit trail of who approved what, and expire by retention
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * What happens to the secret (link keys, API client token hashes) when it leaves the stack.
   * @default RemovalPolicy.DESTROY - everything in it can be re-created: new link keys only invalidate
   * links in flight, and API client tokens are re-issued. Use RETAIN to keep issued API tokens valid
   * across a re-deployment.
   */
  readonly secretRemovalPolicy?: RemovalPolicy;
  /**
   * The IAM role (its exact ARN, path included, in the stack's account) that operators assume to run
   * `npm run keys`, `npm run token` or `npm run link` against this deployment: it may read and change the
   * secret. The secret's resource policy (`secretPolicy`) denies reading the value to every other principal
   * but the four function roles (the Slack function runs as the signal role) and the deployment, and denies
   * changing it to every other principal but the deployment, whatever their identity policies allow. The policy grants nothing: the role still needs an
   * identity policy allowing `secretsmanager:GetSecretValue`, `secretsmanager:PutSecretValue` and
   * `secretsmanager:DescribeSecret` on the secret.
   * @default - no operator: only the functions read the secret and only CloudFormation changes it, so
   * rotating a link key or issuing an API client token needs a deployment that names an operator role first
   */
  readonly secretOperatorRoleArn?: string;
  /**
   * The role CloudFormation deploys the stack with, exempt from the secret's resource policy so that
   * deployments can still update and delete the secret and the policy. Set it when deploying with
   * `cdk deploy --role-arn`, or with a synthesizer other than DefaultStackSynthesizer (CloudFormation then
   * acts with the deploying principal's credentials: name that role).
   * @default - the CloudFormation execution role of the stack's DefaultStackSynthesizer,
   * `cdk-<qualifier>-cfn-exec-role-<account>-<region>`; required with any other synthesizer
   */
  readonly secretDeploymentRoleArn?: string;
  /**
   * Powertools log level of the functions.
   * @default 'INFO'
   */
  readonly logLevel?: PowertoolsLogLevel;
  /**
   * Who is told that an approval gate waits, and how (e-mail, webhooks, Slack, Teams, routing by runbook
   * name), and who may decide a runbook's gates from Slack (a rule's `slack.approvers`).
   * Runbooks reach the notifier through the topic `notifier.topic` in their `aws:approve` steps'
   * `NotificationArn` (their AutomationAssumeRole, or the user who starts them, needs `sns:Publish` on
   * it; AmazonSSMAutomationRole has it), or without it through SSM's EventBridge events.
   * @default - nobody is told; the notifier only logs the gates it sees. The Slack route is deployed all the
   * same, and refuses every click: no rule names a Slack approver (nor, until `npm run keys --
   * slack-credentials`, is there a signing secret to verify a request with)
   */
  readonly notifications?: NotificationProps;
  /**
   * What happens to the state table when it leaves the stack.
   * @default RemovalPolicy.DESTROY - it holds idempotency records and where each gate's Slack messages
   * were posted, all expiring within days of the gate: losing them at worst repeats a notification and
   * leaves the messages of gates that were waiting with their buttons (a click still reads the execution
   * first). With Slack in use, consider RETAIN.
   */
  readonly stateTableRemovalPolicy?: RemovalPolicy;
  /**
   * How many approver seats (principals SSM counts apart), seat 1 being the signal role: the largest
   * `MinRequiredApprovals` a runbook can meet through the webhook, one distinct person per seat. From 1 to
   * 10 (SSM's limit on a step's `Approvers`). See `ApproverSeats`.
   * @default 3
   */
  readonly approverSeats?: number;
  /**
   * Where the alarms send their changes into ALARM and back to OK (see `ApprovalWebhookAlarms`). The topic
   * must let CloudWatch publish to it.
   * @default - no alarm action: the alarms show in the console and on the dashboard only
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * The alarms' thresholds, each per 5-minute period.
   * @default - `ALARM_THRESHOLD_DEFAULTS`: 1 of everything that needs a person, 20 authentication failures
   */
  readonly alarmThresholds?: AlarmThresholds;
}

/**
 * The approval webhook: an HTTP API whose routes (from `lambda/routes.ts`) reach four functions, each
 * with a role that holds only the SSM actions it needs (`SSM_ACTIONS`; the Slack function runs as the signal
 * role, `SHARED_ROLES`), the one secret they read
 * (whose resource policy lets no other principal read it but the operator role and the deployment), the
 * state table, and the notifier (`ApprovalNotifier`) that tells approvers a gate waits.
 *
 * Runbook authors put `signalRole.roleArn` into the `Approvers` of their `aws:approve` steps (for a gate
 * that needs N people, the first N of `approverSeats.roleArns`), and `notifier.topic.topicArn` into their
 * `NotificationArn`. `alarms` and `dashboard` watch it in production; failed notifications wait in
 * `notifier.deadLetterQueue`.
 */
export class ApprovalWebhook extends Construct {
  /** The HTTP API (payload format 2.0, no CORS, authentication in the handlers). */
  public readonly httpApi: apigwv2.HttpApi;
  /** The `$default` stage: auto-deployed, throttled, with JSON access logs. */
  public readonly stage: apigwv2.HttpStage;
  /** The base URL of the API, ending in `/`. */
  public readonly url: string;
  /** Access log of the API: never holds query strings or raw paths, which carry link tokens. */
  public readonly accessLogGroup: logs.LogGroup;
  /** Link signing keys and API client token hashes (layout: `SECRET_TEMPLATE`). */
  public readonly secret: secretsmanager.Secret;
  /**
   * The secret's resource policy: only the function roles read the value, only the operator role
   * (`secretOperatorRoleArn`) reads and changes it, and the deployment role may do both (see
   * `restrictSecretAccess`). Removed or retained with the secret.
   */
  public readonly secretPolicy: secretsmanager.ResourcePolicy;

  /**
   * The webhook's one DynamoDB table (key and TTL attribute: `STATE_TABLE_SCHEMA`): on demand, TTL,
   * point-in-time recovery, AWS-managed encryption. It holds the notifier's idempotency records, under
   * `slack#` keys where each gate's Slack messages were posted, and under `quorum#` keys who holds which
   * approver seat of a gate (`STATE_ITEM_ACCESS`: who may touch which items).
   */
  public readonly stateTable: dynamodb.Table;
  /** Tells approvers that a gate waits: the function, its SNS topic and EventBridge rules. */
  public readonly notifier: ApprovalNotifier;

  /** Serves approve, reject and signal: the only holder of `ssm:SendAutomationSignal`. */
  public readonly signalFunction: WebhookFunction;
  /** Serves stop: the only holder of `ssm:StopAutomationExecution`. */
  public readonly stopFunction: WebhookFunction;
  /**
   * Serves the GET confirmation page and `GET /openapi.json`: reads executions and the state table's
   * `quorum#` items (`STATE_ITEM_ACCESS.confirm`), changes none.
   */
  public readonly confirmFunction: WebhookFunction;
  /**
   * Serves `POST /slack/interactions` (Slack's button clicks and modal submissions) and carries out the
   * decisions it hands to itself asynchronously. Runs as `signalRole` (its `role` is that very role): SSM
   * accepts an Approve only from a principal in the step's `Approvers`. Besides, the role may get and update
   * the state table's `slack#` and `quorum#` items (`STATE_ITEM_ACCESS.signal`) and invoke this function
   * (`slackSelfInvokePolicy`).
   */
  public readonly slackFunction: WebhookFunction;
  /** Lets the signal role invoke `slackFunction` (and nothing else): the hand-off of a decision to itself. */
  public readonly slackSelfInvokePolicy: iam.Policy;
  /** Slack's interactivity Request URL: `url` + `slack/interactions` (see docs/slack-app-manifest.yaml). */
  public readonly slackInteractionsUrl: string;

  /**
   * The role SSM sees as the approver: put its ARN into the `aws:approve` step's `Approvers`. The signal
   * and Slack functions run as it.
   */
  public readonly signalRole: iam.Role;
  public readonly stopRole: iam.Role;
  public readonly confirmRole: iam.Role;
  /**
   * The approver seats: seat 1 is `signalRole`, seats 2..K roles that hold only `ssm:SendAutomationSignal`
   * and trust only `signalRole`. Quorum runbooks list `approverSeats.roleArns` in their `Approvers`.
   */
  public readonly approverSeats: ApproverSeats;
  /** The alarms: API 5xx, SSM throttling, notifier errors, failed notifications, authentication failures, dead letters. */
  public readonly alarms: ApprovalWebhookAlarms;
  /** The CloudWatch dashboard of the webhook's metrics. */
  public readonly dashboard: ApprovalWebhookDashboard;

  constructor(scope: Construct, id: string, props: ApprovalWebhookProps = {}) {
    super(scope, id);
    const throttle = validateThrottle(
      props.throttleRateLimit ?? APPROVAL_WEBHOOK_DEFAULTS.throttleRateLimit,
      props.throttleBurstLimit ?? APPROVAL_WEBHOOK_DEFAULTS.throttleBurstLimit,
    );
    const logRetention = props.logRetention ?? APPROVAL_WEBHOOK_DEFAULTS.logRetention;
    const logRemovalPolicy = props.logRemovalPolicy ?? RemovalPolicy.RETAIN;
    // Fail before anything is bundled; the notifier, the seats and the alarms validate the same props again
    // when they are built.
    resolveNotificationProps(props.notifications);
    validateApproverSeats(props.approverSeats ?? APPROVER_SEATS_DEFAULTS.seats);
    resolveAlarmThresholds(props.alarmThresholds);
    const secretRemovalPolicy = props.secretRemovalPolicy ?? RemovalPolicy.DESTROY;
    const deploymentRoleArn = resolveSecretDeploymentRole(this, props);

    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description:
        'ssm-approval-webhook: link signing keys (linkKey.<kid>), API client token hashes, webhook secrets and chat credentials',
      generateSecretString: {
        secretStringTemplate: JSON.stringify(SECRET_TEMPLATE),
        generateStringKey: SECRET_GENERATED_KEY,
        passwordLength: 64,
        excludePunctuation: true,
      },
      removalPolicy: secretRemovalPolicy,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The secret holds a key ring, not a password: link keys are rotated by the documented manual procedure ' +
        '(add linkKey.<kid>, switch activeLinkKeyId, retire the old key after the longest link lifetime), and ' +
        'API client entries are SHA-256 hashes replaced when a client token is re-issued. A Lambda rotation ' +
        'function that replaced the value would invalidate every link in flight at once.',
    });

    this.stateTable = new dynamodb.Table(this, 'StateTable', {
      partitionKey: { name: STATE_TABLE_SCHEMA.partitionKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: STATE_TABLE_SCHEMA.ttlAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: props.stateTableRemovalPolicy ?? RemovalPolicy.DESTROY,
    });

    const makeFunction = (
      name: FunctionName,
      constructId: string,
      description: string,
      options: { readonly role?: iam.Role; readonly environment?: Readonly<Record<string, string>> } = {},
    ): WebhookFunction => {
      const { entry, handler } = FUNCTION_ENTRIES[name];
      return new WebhookFunction(this, constructId, {
        entry: path.join(REPO_ROOT, entry),
        handler,
        description,
        secret: this.secret,
        logRetention,
        logRemovalPolicy,
        logLevel: props.logLevel,
        ...options,
      });
    };
    this.signalFunction = makeFunction(
      'signal',
      'SignalFunction',
      'Approve, reject or signal an SSM Automation execution',
    );
    this.stopFunction = makeFunction('stop', 'StopFunction', 'Stop an SSM Automation execution');
    this.confirmFunction = makeFunction(
      'confirm',
      'ConfirmFunction',
      'Confirmation page of a signed approval link',
    );
    this.signalRole = this.signalFunction.role;
    this.stopRole = this.stopFunction.role;
    this.confirmRole = this.confirmFunction.role;
    const ownRoles: Readonly<Record<Exclude<SsmRoleName, 'notifier' | 'approverSeat'>, iam.Role>> = {
      signal: this.signalRole,
      stop: this.stopRole,
      confirm: this.confirmRole,
    };
    for (const name of Object.keys(ownRoles) as (keyof typeof ownRoles)[]) {
      grantSsmActions(ownRoles[name], name);
    }
    // The seats trust the signal role. The functions that act on a gate or show it (signal, confirm, and
    // below the notifier and the Slack function) learn them from APPROVER_SEAT_ROLE_ARNS, and the seat
    // claims (quorum# items) from the state table: the signal role claims seats (and, as the Slack function,
    // keeps its slack# items), the confirm role only reads them. The notifier gets its own table access.
    this.approverSeats = new ApproverSeats(this, 'ApproverSeats', {
      signalRole: this.signalRole,
      seats: props.approverSeats,
    });
    grantStateItems(this.signalRole, this.stateTable, STATE_ITEM_ACCESS.signal);
    grantStateItems(this.confirmRole, this.stateTable, STATE_ITEM_ACCESS.confirm);
    const quorumEnvironment: Readonly<Record<string, string>> = {
      ...this.approverSeats.environment,
      [STATE_TABLE_ENV]: this.stateTable.tableName,
    };
    for (const seatsKnower of [this.signalFunction, this.confirmFunction]) {
      for (const [name, value] of Object.entries(quorumEnvironment)) {
        seatsKnower.function.addEnvironment(name, value);
      }
    }

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: logRetention,
      removalPolicy: logRemovalPolicy,
    });
    // No CORS: people follow links to this origin, and servers do not need it.
    this.httpApi = new apigwv2.HttpApi(this, 'Api', {
      // Unique per deployment, so two webhooks in one account stay apart in the console.
      apiName: Names.uniqueResourceName(this, { maxLength: 128 }),
      description: 'ssm-approval-webhook: approve, reject, signal or stop SSM Automation executions',
      // The default stage of HttpApi takes no throttling or access log settings, so we add our own.
      createDefaultStage: false,
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      autoDeploy: true,
      throttle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup),
        format: apigw.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    this.url = this.stage.url;
    this.slackInteractionsUrl = `${this.url}slack/interactions`;

    this.notifier = new ApprovalNotifier(this, 'Notifier', {
      apiUrl: this.url,
      signalRole: this.signalRole,
      secret: this.secret,
      stateTable: this.stateTable,
      notifications: props.notifications,
      logRetention,
      logRemovalPolicy,
      logLevel: props.logLevel,
      environment: this.approverSeats.environment,
    });

    // After the notifier: the Slack function reads the same configuration (who may decide a gate from Slack).
    this.slackFunction = makeFunction(
      'slack',
      'SlackFunction',
      'Approve or reject an SSM Automation execution from a Slack button',
      {
        role: ownRoles[SHARED_ROLES.slack],
        environment: { ...this.notifier.configEnvironment, ...this.approverSeats.environment },
      },
    );
    this.slackSelfInvokePolicy = grantSlackFunctionNeeds(this, 'SlackSelfInvokePolicy', this.slackFunction);
    // The signal function shows a quorum's tally on the gate's Slack messages after a link or API approval
    // (lambda/quorum/refresh-messages.ts): it needs the same configuration (API URL, link lifetime).
    for (const [name, value] of Object.entries(this.notifier.configEnvironment)) {
      this.signalFunction.function.addEnvironment(name, value);
    }

    const functions: Readonly<Record<FunctionName, WebhookFunction>> = {
      signal: this.signalFunction,
      stop: this.stopFunction,
      confirm: this.confirmFunction,
      slack: this.slackFunction,
    };

    const integrations = {} as Record<FunctionName, HttpLambdaIntegration>;
    for (const name of Object.keys(functions) as FunctionName[]) {
      integrations[name] = new HttpLambdaIntegration(
        `${capitalize(name)}Integration`,
        functions[name].function,
        {
          payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
        },
      );
    }
    for (const route of ROUTES) {
      const httpRoutes = this.httpApi.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration: integrations[route.functionName],
      });
      for (const httpRoute of httpRoutes) {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: routeAuthReason(route),
        });
      }
    }

    // Last, once every role that reads the secret exists. The Slack function reads it as the signal role.
    // The approver seats are no readers: they are denied like any other principal.
    this.secretPolicy = restrictSecretAccess(this.secret, {
      readerRoles: [this.signalRole, this.stopRole, this.confirmRole, this.notifier.role],
      operatorRoleArn: props.secretOperatorRoleArn,
      deploymentRoleArn,
      removalPolicy: secretRemovalPolicy,
    });

    this.alarms = new ApprovalWebhookAlarms(this, 'Alarms', {
      httpApi: this.httpApi,
      notifierFunction: this.notifier.function.function,
      deadLetterQueue: this.notifier.deadLetterQueue,
      alarmTopic: props.alarmTopic,
      thresholds: props.alarmThresholds,
    });
    this.dashboard = new ApprovalWebhookDashboard(this, 'Dashboard', {
      httpApi: this.httpApi,
      functions: {
        signal: this.signalFunction.function,
        stop: this.stopFunction.function,
        confirm: this.confirmFunction.function,
        slack: this.slackFunction.function,
        notifier: this.notifier.function.function,
      },
      deadLetterQueue: this.notifier.deadLetterQueue,
      alarms: this.alarms.alarms,
    });
  }
}

/**
 * Validates the operator and deployment role ARNs, and returns the deployment role: the given one, or the
 * CloudFormation execution role of the stack's synthesizer.
 */
function resolveSecretDeploymentRole(scope: Construct, props: ApprovalWebhookProps): string {
  const account = Stack.of(scope).account;
  for (const key of ['secretOperatorRoleArn', 'secretDeploymentRoleArn'] as const) {
    const arn = props[key];
    const problem = arn === undefined ? undefined : roleArnProblem(arn, account);
    if (problem !== undefined) throw new ApprovalWebhookPropsError(`${key} ${problem}`);
  }
  const deploymentRoleArn = props.secretDeploymentRoleArn ?? cloudFormationExecutionRoleArn(scope);
  if (deploymentRoleArn === undefined) {
    throw new ApprovalWebhookPropsError(
      "secretDeploymentRoleArn is required with a synthesizer other than DefaultStackSynthesizer: the secret's " +
        'resource policy denies everyone else, and CloudFormation acts with the credentials of whoever deploys',
    );
  }
  return deploymentRoleArn;
}

/** Why a route has no API Gateway authorizer (cdk-nag AwsSolutions-APIG4), in its own words. */
function routeAuthReason(route: RouteDefinition): string {
  if (route.action === 'openapi') return OPENAPI_ROUTE_AUTH_REASON;
  if (route.method === 'GET') return GET_ROUTE_AUTH_REASON;
  return route.functionName === 'slack' ? SLACK_ROUTE_AUTH_REASON : POST_ROUTE_AUTH_REASON;
}

function capitalize(name: string): string {
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}

/** API Gateway wants a positive rate and a positive whole burst; CloudFormation would only fail late. */
function validateThrottle(rateLimit: number, burstLimit: number): apigwv2.ThrottleSettings {
  if (!Token.isUnresolved(rateLimit) && !(Number.isFinite(rateLimit) && rateLimit > 0)) {
    throw new ApprovalWebhookPropsError(`throttleRateLimit must be a positive number, got ${rateLimit}`);
  }
  if (!Token.isUnresolved(burstLimit) && !(Number.isInteger(burstLimit) && burstLimit > 0)) {
    throw new ApprovalWebhookPropsError(`throttleBurstLimit must be a positive integer, got ${burstLimit}`);
  }
  return { rateLimit, burstLimit };
}
