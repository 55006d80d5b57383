import { Duration, type Environment, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { MAX_LINK_TTL_SECONDS, MIN_LINK_TTL_SECONDS } from '../lambda/notify/config';
import {
  ApprovalNotifierPropsError,
  type NotificationProps,
  resolveNotificationProps,
} from './approval-notifier';
import type { ApprovalWebhookProps } from './approval-webhook';
import { AlarmThresholdsError, resolveAlarmThresholds } from './approval-webhook-alarms';
import { ApproverSeatsPropsError, validateApproverSeats } from './approver-seats';
import { roleArnProblem } from './secret-policy';
import type { PowertoolsLogLevel } from './webhook-function';

/** Everything `lib/app.ts` needs to build the app, resolved from context and environment. */
export interface AppConfig {
  readonly stackName: string;
  /** Account and region from `CDK_DEFAULT_*`; both unset means an environment-agnostic stack. */
  readonly env: Environment;
  /** Passed to the stack, which imports the topic (`ApprovalWebhookStackProps.alarmTopicArn`). */
  readonly alarmTopicArn?: string;
  readonly webhook: Omit<ApprovalWebhookProps, 'alarmTopic'>;
}

/** Raised for a context value the app cannot use; names the key so `-c key=value` is easy to fix. */
export class AppConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AppConfigError';
  }
}

export const DEFAULT_STACK_NAME = 'SsmApprovalWebhook';

/** The context keys the app reads (`cdk synth -c throttleRateLimit=5`, or `context` in cdk.json). */
export const CONTEXT_KEYS = {
  stackName: 'stackName',
  throttleRateLimit: 'throttleRateLimit',
  throttleBurstLimit: 'throttleBurstLimit',
  logRetentionDays: 'logRetentionDays',
  logLevel: 'logLevel',
  /**
   * The notifications (see `NotificationProps`) as JSON: an object in cdk.json, or a string from
   * `-c notifications='{"email":{"from":"approvals@example.com"},"defaultRule":{"email":["sre@example.com"]}}'`.
   * The link lifetime is `maxLinkTtlSeconds` (a number) there, as in the notifier's configuration.
   */
  notifications: 'notifications',
  /** `destroy` or `retain`. */
  stateTableRemovalPolicy: 'stateTableRemovalPolicy',
  /**
   * The ARN of the IAM role that may read and change the secret (`npm run keys`, `npm run token` and
   * `npm run link` against the deployment); see `ApprovalWebhookProps.secretOperatorRoleArn`.
   */
  secretOperatorRoleArn: 'secretOperatorRoleArn',
  /**
   * The ARN of the role CloudFormation deploys with, when it is not the bootstrap's execution role
   * (`cdk deploy --role-arn`); see `ApprovalWebhookProps.secretDeploymentRoleArn`.
   */
  secretDeploymentRoleArn: 'secretDeploymentRoleArn',
  /** How many approver seats (1 to 10); see `ApprovalWebhookProps.approverSeats`. */
  approverSeats: 'approverSeats',
  /** The ARN of an SNS topic, in the stack's region, for the alarms' actions. */
  alarmTopicArn: 'alarmTopicArn',
  /** The authentication-failure alarm's threshold per 5 minutes; see `AlarmThresholds.authenticationFailures`. */
  authFailureAlarmThreshold: 'authFailureAlarmThreshold',
} as const;

/** A standard SNS topic ARN (alarm actions cannot publish to FIFO topics): region, account and name. */
const TOPIC_ARN = /^arn:aws(?:-[a-z]+)*:sns:([a-z0-9-]+):(\d{12}):[A-Za-z0-9_-]{1,256}$/;

/** The properties of the `notifications` context value. */
const NOTIFICATION_KEYS = ['email', 'webhooks', 'rules', 'defaultRule', 'maxLinkTtlSeconds'];

const REMOVAL_POLICIES: Readonly<Record<string, RemovalPolicy>> = {
  destroy: RemovalPolicy.DESTROY,
  retain: RemovalPolicy.RETAIN,
};

const LOG_LEVELS: readonly PowertoolsLogLevel[] = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'];

/**
 * CloudWatch Logs' retention periods in days. `RetentionDays.INFINITE` is left out on purpose: every
 * log group of the webhook has a retention.
 */
const RETENTION_DAYS: readonly number[] = Object.values(RetentionDays).filter(
  (value): value is number => typeof value === 'number' && value !== RetentionDays.INFINITE,
);

/**
 * Resolves the app's configuration. Pure: `readContext` and `env` are passed in (lib/app.ts gives
 * `app.node.tryGetContext` and `process.env`). Unset keys fall back to the construct's defaults.
 */
export function resolveAppConfig(
  readContext: (key: string) => unknown,
  env: Readonly<Record<string, string | undefined>>,
): AppConfig {
  const stackName = optionalString(readContext, CONTEXT_KEYS.stackName) ?? DEFAULT_STACK_NAME;
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) {
    throw new AppConfigError(
      `context ${CONTEXT_KEYS.stackName} must be a CloudFormation stack name (a letter, then letters, digits, -), got ${JSON.stringify(stackName)}`,
    );
  }

  const logRetentionDays = optionalNumber(readContext, CONTEXT_KEYS.logRetentionDays);
  if (logRetentionDays !== undefined && !RETENTION_DAYS.includes(logRetentionDays)) {
    throw new AppConfigError(
      `context ${CONTEXT_KEYS.logRetentionDays} must be one of ${RETENTION_DAYS.join(', ')}, got ${logRetentionDays}`,
    );
  }

  const logLevel = optionalString(readContext, CONTEXT_KEYS.logLevel);
  if (logLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new AppConfigError(
      `context ${CONTEXT_KEYS.logLevel} must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`,
    );
  }

  const stateTableRemovalPolicy = optionalString(readContext, CONTEXT_KEYS.stateTableRemovalPolicy);
  if (stateTableRemovalPolicy !== undefined && !Object.hasOwn(REMOVAL_POLICIES, stateTableRemovalPolicy)) {
    throw new AppConfigError(
      `context ${CONTEXT_KEYS.stateTableRemovalPolicy} must be one of ${Object.keys(REMOVAL_POLICIES).join(', ')}, got ${JSON.stringify(stateTableRemovalPolicy)}`,
    );
  }

  const account = nonEmpty(env.CDK_DEFAULT_ACCOUNT);
  const secretOperatorRoleArn = optionalRoleArn(readContext, CONTEXT_KEYS.secretOperatorRoleArn, account);
  const secretDeploymentRoleArn = optionalRoleArn(readContext, CONTEXT_KEYS.secretDeploymentRoleArn, account);

  const region = nonEmpty(env.CDK_DEFAULT_REGION);
  const alarmTopicArn = optionalString(readContext, CONTEXT_KEYS.alarmTopicArn);
  if (alarmTopicArn !== undefined) {
    const match = TOPIC_ARN.exec(alarmTopicArn);
    if (match === null) {
      throw new AppConfigError(
        `context ${CONTEXT_KEYS.alarmTopicArn} must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), got ${JSON.stringify(alarmTopicArn)}`,
      );
    }
    // CloudWatch alarms can only notify a topic of their own region.
    if (region !== undefined && match[1] !== region) {
      throw new AppConfigError(
        `context ${CONTEXT_KEYS.alarmTopicArn} must be a topic in the stack's region ${region} (CloudWatch alarms notify topics of their own region only), got ${JSON.stringify(alarmTopicArn)}`,
      );
    }
  }
  const approverSeats = optionalNumber(readContext, CONTEXT_KEYS.approverSeats);
  const authFailureAlarmThreshold = optionalNumber(readContext, CONTEXT_KEYS.authFailureAlarmThreshold);

  return {
    stackName,
    env: { account, region },
    alarmTopicArn,
    webhook: {
      throttleRateLimit: optionalNumber(readContext, CONTEXT_KEYS.throttleRateLimit),
      throttleBurstLimit: optionalNumber(readContext, CONTEXT_KEYS.throttleBurstLimit),
      logRetention: logRetentionDays as RetentionDays | undefined,
      logLevel: logLevel as PowertoolsLogLevel | undefined,
      notifications: notificationsFromContext(readContext(CONTEXT_KEYS.notifications)),
      stateTableRemovalPolicy:
        stateTableRemovalPolicy === undefined ? undefined : REMOVAL_POLICIES[stateTableRemovalPolicy],
      secretOperatorRoleArn,
      secretDeploymentRoleArn,
      approverSeats: checked(CONTEXT_KEYS.approverSeats, approverSeats, validateApproverSeats),
      alarmThresholds:
        authFailureAlarmThreshold === undefined
          ? undefined
          : checked(
              CONTEXT_KEYS.authFailureAlarmThreshold,
              { authenticationFailures: authFailureAlarmThreshold },
              resolveAlarmThresholds,
            ),
    },
  };
}

/**
 * Checks a context value with the construct's own validation, so that a bad value fails here naming the
 * context key; returns the value itself (the construct applies its defaults).
 */
function checked<T>(key: string, value: T | undefined, validate: (value: T) => unknown): T | undefined {
  if (value === undefined) return undefined;
  try {
    validate(value);
  } catch (error) {
    if (error instanceof ApproverSeatsPropsError || error instanceof AlarmThresholdsError) {
      throw new AppConfigError(`context ${key}: ${error.message}`);
    }
    throw error;
  }
  return value;
}

/**
 * The `notifications` context value as construct props, validated by the construct's own rules so that a
 * bad value fails here, naming the context key, before anything is built.
 */
function notificationsFromContext(value: unknown): NotificationProps | undefined {
  const key = CONTEXT_KEYS.notifications;
  if (value === undefined) return undefined;
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      // No cause and no quote: the value may hold webhook URLs.
      throw new AppConfigError(`context ${key} is not valid JSON`);
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AppConfigError(
      `context ${key} must be a JSON object (in cdk.json) or a string holding one (-c ${key}='{...}')`,
    );
  }
  const { maxLinkTtlSeconds, ...rest } = parsed as Record<string, unknown>;
  const unknown = Object.keys(rest).filter((property) => !NOTIFICATION_KEYS.includes(property));
  if (unknown.length > 0) {
    throw new AppConfigError(
      `context ${key} has unknown propert${unknown.length > 1 ? 'ies' : 'y'} ${unknown.map((property) => JSON.stringify(property)).join(', ')} (allowed: ${NOTIFICATION_KEYS.join(', ')})`,
    );
  }
  if (
    maxLinkTtlSeconds !== undefined &&
    (typeof maxLinkTtlSeconds !== 'number' ||
      !Number.isInteger(maxLinkTtlSeconds) ||
      maxLinkTtlSeconds < MIN_LINK_TTL_SECONDS ||
      maxLinkTtlSeconds > MAX_LINK_TTL_SECONDS)
  ) {
    throw new AppConfigError(
      `context ${key}: "maxLinkTtlSeconds" must be an integer from ${MIN_LINK_TTL_SECONDS} to ${MAX_LINK_TTL_SECONDS} (seconds)`,
    );
  }
  const props: NotificationProps = {
    ...(rest as Omit<NotificationProps, 'maxLinkTtl'>),
    ...(maxLinkTtlSeconds === undefined ? {} : { maxLinkTtl: Duration.seconds(maxLinkTtlSeconds) }),
  };
  try {
    resolveNotificationProps(props);
  } catch (error) {
    if (error instanceof ApprovalNotifierPropsError) {
      throw new AppConfigError(`context ${key}: ${error.problem}`);
    }
    throw error;
  }
  return props;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function optionalString(readContext: (key: string) => unknown, key: string): string | undefined {
  const value = readContext(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new AppConfigError(`context ${key} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A role ARN the secret's policy exempts, checked as the construct checks it (format, account when known). */
function optionalRoleArn(
  readContext: (key: string) => unknown,
  key: string,
  account: string | undefined,
): string | undefined {
  const value = optionalString(readContext, key);
  const problem = value === undefined ? undefined : roleArnProblem(value, account);
  if (problem !== undefined) throw new AppConfigError(`context ${key} ${problem}`);
  return value;
}

/** `-c key=value` gives strings, cdk.json gives numbers: accept both, nothing else. */
function optionalNumber(readContext: (key: string) => unknown, key: string): number | undefined {
  const value = readContext(key);
  if (value === undefined) return undefined;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    throw new AppConfigError(`context ${key} must be a number, got ${JSON.stringify(value)}`);
  }
  return number;
}
