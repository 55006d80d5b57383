import type { Environment } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ApprovalWebhookProps } from './approval-webhook';
import type { PowertoolsLogLevel } from './webhook-function';

/** Everything `lib/app.ts` needs to build the app, resolved from context and environment. */
export interface AppConfig {
  readonly stackName: string;
  /** Account and region from `CDK_DEFAULT_*`; both unset means an environment-agnostic stack. */
  readonly env: Environment;
  readonly webhook: ApprovalWebhookProps;
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
} as const;

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

  return {
    stackName,
    env: { account: nonEmpty(env.CDK_DEFAULT_ACCOUNT), region: nonEmpty(env.CDK_DEFAULT_REGION) },
    webhook: {
      throttleRateLimit: optionalNumber(readContext, CONTEXT_KEYS.throttleRateLimit),
      throttleBurstLimit: optionalNumber(readContext, CONTEXT_KEYS.throttleBurstLimit),
      logRetention: logRetentionDays as RetentionDays | undefined,
      logLevel: logLevel as PowertoolsLogLevel | undefined,
    },
  };
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
