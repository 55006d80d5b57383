/**
 * The whole webhook on one machine: the SSM Automation simulator (or real SSM), the local API running
 * each Lambda function in a worker with its own credentials, the notifier fed by the simulator's SNS and
 * EventBridge events, a DynamoDB-compatible server (dynalite) for its idempotency records, a local SES v2
 * endpoint whose mailbox the local API serves, the local secret store, and a demo execution waiting at its
 * approval step. `npm start` and the end-to-end tests both start it through here.
 */
import path from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { createApiToken } from '../lambda/auth/api-token';
import { signLinkToken } from '../lambda/auth/link-token';
import {
  API_ACTIONS,
  apiClientNames,
  validateSecretDocument,
  withApiClient,
  withoutApiClient,
} from '../lambda/auth/secret-document';
import type { NotifierConfig } from '../lambda/notify/config';
import { matchesPattern, NOTIFIER_EVENT_PATTERNS } from '../lambda/notify/event-patterns';
import { STATE_TABLE_ENV } from '../lambda/notify/state-table';
import type { FunctionName } from '../lambda/routes';
import { startLocalApi } from './api-server';
import { type LocalDynamo, startLocalDynamo } from './dynamodb/server';
import { type LocalNotifier, startLocalNotifier } from './notifier-host';
import { readSecretFile, updateSecretDocument } from './secret-store';
import { MAILBOX_PATH, mailboxPages } from './ses/mailbox-page';
import { type LocalSes, startLocalSes } from './ses/server';
import { DEFAULT_LOCAL_PRINCIPALS, LOCAL_ACCOUNT_ID, type Simulator, startSimulator } from './simulator';

export const LOCAL_REGION = 'us-east-1';
export const DEMO_RUNBOOK = 'Demo-ApproveChange';
/** The API client `npm start` creates afresh each time, so its printed curl calls work. */
export const LOCAL_API_CLIENT = 'local-curl';

const credentialsOf = (accessKeyId: keyof typeof DEFAULT_LOCAL_PRINCIPALS & string) => ({
  accessKeyId,
  secretAccessKey: DEFAULT_LOCAL_PRINCIPALS[accessKeyId]?.secretAccessKey ?? '',
});

/** Simulator credentials of each function: the local stand-ins for the stack's roles. */
const FUNCTION_CREDENTIALS: Readonly<Record<FunctionName, ReturnType<typeof credentialsOf> | undefined>> = {
  signal: credentialsOf('AKIALOCALWEBHOOKSIGN'),
  stop: credentialsOf('AKIALOCALWEBHOOKSTOP'),
  confirm: credentialsOf('AKIALOCALWEBHOOKCONF'), // reads executions only, as in the stack
};

/** The notifier's simulator credentials: GetAutomationExecution only, as its role in the stack. */
const NOTIFIER_CREDENTIALS = credentialsOf('AKIALOCALWEBHOOKNOTI');

/** The role the shipped runbooks list in Approvers (their `Approver` parameter's default). */
export const LOCAL_SIGNAL_ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/ssm-approval-webhook-signal`;
/** The one identity the local notifier may send e-mail as (the local SES refuses any other). */
export const LOCAL_EMAIL_FROM = 'approvals@webhook.localhost';

export const OPERATOR_CREDENTIALS = credentialsOf('AKIALOCALOPERATOR001');

export interface LocalStackOptions {
  readonly host?: string;
  readonly apiPort: number;
  readonly simulatorPort: number;
  /** Talk to real SSM with the ambient AWS configuration instead of starting the simulator. */
  readonly realSsm?: boolean;
  readonly secretFile: string;
  readonly runbookDir?: string;
  /** Start an execution of the demo runbook (simulator only). */
  readonly demo?: boolean;
  /** Who the demo links are for. */
  readonly approver?: string;
  /** Powertools log level of the functions. */
  readonly logLevel?: string;
  /**
   * Who the notifier e-mails about every runbook's gates (the local routing's default rule).
   * @default [approver]
   */
  readonly notify?: readonly string[];
  /**
   * Deliver every SNS event this many times, as at-least-once delivery may (tests).
   * @default 1
   */
  readonly snsDeliveries?: number;
}

export interface DemoExecution {
  readonly executionId: string;
  readonly links: Readonly<Record<'approve' | 'reject' | 'stop', string>>;
  /**
   * The execution each printed API call decides: approve the demo execution, reject and stop one more
   * execution each, started for them, so that every printed call works as printed.
   */
  readonly apiExecutions: Readonly<Record<'approve' | 'reject' | 'stop', string>>;
}

export interface LocalStack {
  readonly apiUrl: string;
  readonly simulatorUrl?: string;
  /** A fresh API token of the client `local-curl` (its hash is in the secret file). */
  readonly apiToken: string;
  readonly demo?: DemoExecution;
  /** An SDK client of the operator, pointed at the simulator (undefined on real SSM). */
  readonly operatorSsm?: SSMClient;
  /** The local mailbox page (simulator only). */
  readonly mailboxUrl?: string;
  /** The local SES endpoint, whose messages the mailbox shows (simulator only). */
  readonly ses?: LocalSes;
  /** The notifier worker (simulator only). */
  readonly notifier?: LocalNotifier;
  close(): Promise<void>;
}

/** What every function gets; AWS variables come only from here, so a developer's profile cannot leak in. */
const baseEnvironment = (options: LocalStackOptions): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  APP_SECRET_FILE: options.secretFile,
  // The local runner re-reads the secret file on every request, so `npm run token` takes effect at once.
  APP_SECRET_MAX_AGE_SECONDS: '0',
  POWERTOOLS_SERVICE_NAME: 'ssm-approval-webhook-local',
  POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'INFO',
  AWS_REGION: LOCAL_REGION,
  // The runner's own process already warned once that Node 20 support ends; say it once, not per function.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});

const realSsmEnvironment = (options: LocalStackOptions): Record<string, string> => {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => /^(AWS_|HOME$)/.test(entry[0]) && entry[1] !== undefined,
    ),
  );
  return { ...baseEnvironment(options), ...inherited };
};

const simulatorEnvironment = (options: LocalStackOptions, simulatorUrl: string, name: FunctionName) => {
  const credentials = FUNCTION_CREDENTIALS[name];
  return {
    ...baseEnvironment(options),
    // The standard variable the SDK reads for SSM's endpoint; nothing in the handlers knows it is local.
    AWS_ENDPOINT_URL_SSM: simulatorUrl,
    // Empty files, so a developer's ~/.aws config can neither add nor override anything.
    AWS_CONFIG_FILE: path.join(__dirname, 'empty-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(__dirname, 'empty-aws-config'),
    ...(credentials
      ? { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey }
      : {}),
  };
};

/** The notifier's configuration: every runbook's gates go to the local recipients by e-mail. */
export const localNotifierConfig = (apiUrl: string, recipients: readonly string[]): NotifierConfig => ({
  apiUrl,
  signalRoleArn: LOCAL_SIGNAL_ROLE_ARN,
  email: { from: LOCAL_EMAIL_FROM },
  webhooks: {},
  rules: [],
  defaultRule: { email: [...recipients] },
  maxLinkTtlSeconds: 7 * 24 * 3600,
});

const notifierEnvironment = (
  options: LocalStackOptions,
  services: { simulator: Simulator; dynamo: LocalDynamo; ses: LocalSes; apiUrl: string },
): Record<string, string> => ({
  ...simulatorEnvironment(options, services.simulator.url, 'confirm'),
  AWS_ACCESS_KEY_ID: NOTIFIER_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: NOTIFIER_CREDENTIALS.secretAccessKey,
  AWS_ENDPOINT_URL_DYNAMODB: services.dynamo.url,
  AWS_ENDPOINT_URL_SESV2: services.ses.url,
  [STATE_TABLE_ENV]: services.dynamo.tableName,
  NOTIFIER_CONFIG: JSON.stringify(
    localNotifierConfig(services.apiUrl, options.notify ?? [options.approver ?? DEFAULT_APPROVER]),
  ),
});

/** The developer's own client may do everything the API offers, so that every printed example works. */
export const LOCAL_API_SCOPE = { actions: [...API_ACTIONS], runbooks: ['*'] };

/**
 * Replaces the `local-curl` client with a fresh one and returns its token (printed once, stored hashed):
 * one update of the secret file, so it cannot interleave with a `npm run token` running meanwhile.
 */
const freshApiToken = async (secretFile: string): Promise<string> => {
  const created = createApiToken(LOCAL_API_CLIENT);
  const entry = { ...created.entry, ...LOCAL_API_SCOPE };
  await updateSecretDocument(
    { kind: 'file', path: secretFile },
    (document) =>
      withApiClient(
        apiClientNames(document).includes(LOCAL_API_CLIENT)
          ? withoutApiClient(document, LOCAL_API_CLIENT)
          : document,
        entry,
      ),
    { secretsManager: () => new SecretsManagerClient({}) },
  );
  return created.token;
};

export const signedLinks = async (
  secretFile: string,
  apiUrl: string,
  executionId: string,
  approver: string,
  ttlSeconds = 24 * 3600,
): Promise<DemoExecution['links']> => {
  const config = validateSecretDocument(await readSecretFile(secretFile));
  const linkFor = async (action: 'approve' | 'reject' | 'stop') => {
    const token = await signLinkToken(config, { executionId, actions: [action], approver, ttlSeconds });
    return `${apiUrl}/executions/${executionId}/${action}?token=${token}`;
  };
  return { approve: await linkFor('approve'), reject: await linkFor('reject'), stop: await linkFor('stop') };
};

const DEFAULT_APPROVER = 'you@example.com';

export const startLocalStack = async (options: LocalStackOptions): Promise<LocalStack> => {
  const host = options.host ?? '127.0.0.1';
  // Creates the store on the first start (one link key), before any function or the notifier reads it;
  // an existing store is only read here. Its `local-curl` token is replaced last, once all started.
  await readSecretFile(options.secretFile);
  // The simulator's events reach the notifier once it runs (it needs the API's URL for its links).
  let notifier: LocalNotifier | undefined;
  const deliver = (event: unknown, times = 1) => {
    for (let i = 0; i < times; i += 1) void notifier?.deliver(event);
  };
  const simulator = options.realSsm
    ? undefined
    : await startSimulator({
        host,
        port: options.simulatorPort,
        runbookDir: options.runbookDir ?? path.join(__dirname, 'runbooks'),
        onSnsNotification: (event) => deliver(event, options.snsDeliveries ?? 1),
        // Only what the stack's EventBridge rules would pass on reaches the notifier.
        onEventBridgeEvent: (event) => {
          if (NOTIFIER_EVENT_PATTERNS.some((pattern) => matchesPattern(event, pattern))) deliver(event);
        },
      });
  // With real SSM nothing local emits events, so there is no notifier, mailbox or state table.
  const dynamo = simulator ? await startLocalDynamo({ host }) : undefined;
  const ses = simulator
    ? await startLocalSes({
        host,
        verifiedIdentities: [LOCAL_EMAIL_FROM],
        credentials: { [NOTIFIER_CREDENTIALS.accessKeyId]: NOTIFIER_CREDENTIALS.secretAccessKey },
      })
    : undefined;
  const environments = Object.fromEntries(
    (['signal', 'stop', 'confirm'] as const).map((name) => [
      name,
      simulator ? simulatorEnvironment(options, simulator.url, name) : realSsmEnvironment(options),
    ]),
  ) as Record<FunctionName, Record<string, string>>;

  const closeServices = async () => {
    await simulator?.close();
    await dynamo?.close();
    await ses?.close();
  };
  const api = await startLocalApi({
    host,
    port: options.apiPort,
    functionEnvironments: environments,
    ...(ses ? { localPages: mailboxPages(ses) } : {}),
  }).catch(async (error: unknown) => {
    await closeServices();
    throw error;
  });
  if (simulator && dynamo && ses) {
    notifier = await startLocalNotifier(
      notifierEnvironment(options, { simulator, dynamo, ses, apiUrl: api.url }),
    );
  }

  const operatorSsm = simulator
    ? new SSMClient({ endpoint: simulator.url, region: LOCAL_REGION, credentials: OPERATOR_CREDENTIALS })
    : undefined;
  const close = async () => {
    operatorSsm?.destroy();
    await notifier?.close();
    await api.close();
    await closeServices();
  };
  let demo: DemoExecution | undefined;
  let apiToken: string;
  try {
    if (operatorSsm && options.demo !== false) {
      const startDemo = async () =>
        (await operatorSsm.send(new StartAutomationExecutionCommand({ DocumentName: DEMO_RUNBOOK })))
          .AutomationExecutionId ?? '';
      const executionId = await startDemo();
      demo = {
        executionId,
        links: await signedLinks(
          options.secretFile,
          api.url,
          executionId,
          options.approver ?? DEFAULT_APPROVER,
        ),
        apiExecutions: { approve: executionId, reject: await startDemo(), stop: await startDemo() },
      };
    }
    // Last, once every port is bound: a start that fails before (say, a port in use) must not replace
    // the token that a running instance printed.
    apiToken = await freshApiToken(options.secretFile);
  } catch (error) {
    await close();
    throw error;
  }

  return {
    apiUrl: api.url,
    ...(simulator ? { simulatorUrl: simulator.url } : {}),
    apiToken,
    ...(demo ? { demo } : {}),
    ...(operatorSsm ? { operatorSsm } : {}),
    ...(ses ? { ses, mailboxUrl: `${api.url}${MAILBOX_PATH}` } : {}),
    ...(notifier ? { notifier } : {}),
    close,
  };
};
