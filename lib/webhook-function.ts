import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, METRICS_NAMESPACE_ENV } from './webhook-metrics';

/** Log levels understood by Powertools for AWS Lambda (`POWERTOOLS_LOG_LEVEL`). */
export type PowertoolsLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

/** Defaults shared by every function of the webhook, exported so tests and docs can quote them. */
export const WEBHOOK_FUNCTION_DEFAULTS = {
  /** Well under API Gateway's 30 s integration limit, so a slow SSM call ends in our own error response. */
  timeout: Duration.seconds(10),
  memorySize: 256,
  /** Node.js 24 (LTS); Lambda deprecates nodejs22.x on 2027-04-30. The esbuild target (`node24`) follows it. */
  runtime: lambda.Runtime.NODEJS_24_X,
  architecture: lambda.Architecture.ARM_64,
  logRetention: logs.RetentionDays.ONE_MONTH,
  logLevel: 'INFO' as PowertoolsLogLevel,
  serviceName: 'ssm-approval-webhook',
  /**
   * `POWERTOOLS_METRICS_NAMESPACE`, the same for every function: the stack's alarms and dashboard watch
   * this namespace, so a function cannot choose another.
   */
  metricsNamespace: METRICS_NAMESPACE,
} as const;

/**
 * Lets ESM bundles load CommonJS dependencies that call `require` (esbuild keeps those calls as a
 * dynamic `require`, which does not exist in an ES module scope).
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

export interface WebhookFunctionProps {
  /** Absolute path of the handler's entry file (TypeScript). */
  readonly entry: string;
  /** Name of the exported handler in `entry`. */
  readonly handler: string;
  /** The deployment's secret: its ARN goes into `APP_SECRET_ARN`, and the role may read it. */
  readonly secret: secretsmanager.ISecret;
  /** Shown in the Lambda console. @default - no description */
  readonly description?: string;
  /** How long the function's log group keeps events. @default RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the function's log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN - the logs are the audit trail of who approved what
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** `POWERTOOLS_LOG_LEVEL`. @default 'INFO' */
  readonly logLevel?: PowertoolsLogLevel;
  /** `POWERTOOLS_SERVICE_NAME`. @default 'ssm-approval-webhook' */
  readonly serviceName?: string;
  /**
   * How long one invocation may run. Functions behind the HTTP API keep the default, well under API
   * Gateway's 30 s integration limit; functions invoked asynchronously (the notifier) may take longer.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Environment variables besides the ones every function gets (`POWERTOOLS_SERVICE_NAME`,
   * `POWERTOOLS_LOG_LEVEL`, `POWERTOOLS_METRICS_NAMESPACE`, `APP_SECRET_ARN`, `NODE_OPTIONS`), which they
   * may not replace. Never a secret:
   * the values are visible in the template and the function's configuration.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Run as this existing role (another function's) instead of a new one: for a function that must act as
   * the same principal as another. The Slack function runs as the signal function's role, because SSM
   * accepts an Approve only from a principal listed in the step's `Approvers`, and that list names the
   * signal role. The role is given write access to this function's log group and read access to the
   * secret (the same statement as its owner's, which the policy holds once).
   * @default - a new role of its own, holding no managed policy
   */
  readonly role?: iam.Role;
}

/**
 * One webhook Lambda function with the project's defaults: bundled locally by esbuild as minified
 * ESM with source maps and the AWS SDK inside, arm64, Node.js 24, 10 s timeout (unless told otherwise), an explicit log group
 * with retention, and its own role (unless given one: `WebhookFunctionProps.role`) that holds no managed
 * policy: only write access to its own log group and read access to the one secret. Callers add the SSM
 * actions the function needs to `role`.
 */
export class WebhookFunction extends Construct {
  /** The function's execution role; starts with log-write and secret-read only (unless it was given). */
  public readonly role: iam.Role;
  /** The function's log group (Lambda writes here instead of `/aws/lambda/<name>`). */
  public readonly logGroup: logs.LogGroup;
  /** The Lambda function. */
  public readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: WebhookFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? WEBHOOK_FUNCTION_DEFAULTS.logRetention,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    // An explicit role instead of the default one, which would carry the AWSLambdaBasicExecutionRole
    // managed policy (log write on every log group of the account).
    this.role =
      props.role ??
      new iam.Role(this, 'Role', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `ssm-approval-webhook: execution role of ${id}`,
      });
    this.logGroup.grantWrite(this.role);
    props.secret.grantRead(this.role);

    const baseEnvironment: Record<string, string> = {
      POWERTOOLS_SERVICE_NAME: props.serviceName ?? WEBHOOK_FUNCTION_DEFAULTS.serviceName,
      POWERTOOLS_LOG_LEVEL: props.logLevel ?? WEBHOOK_FUNCTION_DEFAULTS.logLevel,
      [METRICS_NAMESPACE_ENV]: WEBHOOK_FUNCTION_DEFAULTS.metricsNamespace,
      // The ARN only: the handlers fetch the value at runtime and cache it.
      APP_SECRET_ARN: props.secret.secretArn,
      NODE_OPTIONS: '--enable-source-maps',
    };
    const replaced = Object.keys(props.environment ?? {}).filter((name) => name in baseEnvironment);
    if (replaced.length > 0) {
      throw new Error(`WebhookFunction ${id}: environment may not replace ${replaced.join(', ')}`);
    }

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: props.handler,
      description: props.description,
      runtime: WEBHOOK_FUNCTION_DEFAULTS.runtime,
      architecture: WEBHOOK_FUNCTION_DEFAULTS.architecture,
      memorySize: WEBHOOK_FUNCTION_DEFAULTS.memorySize,
      timeout: props.timeout ?? WEBHOOK_FUNCTION_DEFAULTS.timeout,
      role: this.role,
      logGroup: this.logGroup,
      environment: { ...baseEnvironment, ...props.environment },
      bundling: {
        // Docker does not run on the build machines; esbuild is a devDependency.
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        // Prefer the ESM builds of dependencies (the AWS SDK, Powertools, middy ship both).
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        // Stack traces need the mappings only; the sources would double the asset size.
        sourcesContent: false,
        // Bundle the SDK too: its version is then the one we tested, not the runtime's.
        externalModules: [],
        // Warnings and errors only: the per-file size lines drown the synth output.
        logLevel: LogLevel.WARNING,
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs24.x is pinned deliberately: the newest Node.js LTS runtime of Lambda, which the esbuild target ' +
        'of the bundle (node24) follows and on which CI runs the test suite. A newer runtime in a later ' +
        'aws-cdk-lib must not fail the synth: moving is a deliberate change of WEBHOOK_FUNCTION_DEFAULTS.runtime ' +
        'and of the Node.js version in .ci/run, made after the handlers have run on it.',
    });
  }
}
