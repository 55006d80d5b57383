/**
 * The whole webhook on one machine: the SSM Automation simulator (or real SSM), the local API running
 * each Lambda function in a worker with its own credentials, the notifier fed by the simulator's SNS and
 * EventBridge events, a DynamoDB-compatible server (dynalite) for its state table, a local SES v2
 * endpoint whose mailbox the local API serves, a local Slack (Web API and channel page) and a local Teams
 * workflow webhook (and its page), a local Lambda Invoke API (the Slack function hands each decision to
 * itself through it), a local STS (the functions take approver seats 2 and 3 through it), the local secret
 * store, and a demo execution waiting at its approval step.
 * `npm start` and the end-to-end tests both start it through here.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { createApiToken } from '../lambda/auth/api-token';
import { signLinkToken } from '../lambda/auth/link-token';
import {
  API_ACTIONS,
  apiClientNames,
  type SecretDocument,
  validateSecretDocument,
  withApiClient,
  withoutApiClient,
  withSlackCredentials,
  withTeamsWebhookUrl,
} from '../lambda/auth/secret-document';
import { NOTIFIER_CONFIG_ENV, type NotifierConfig } from '../lambda/notify/config';
import { matchesPattern, NOTIFIER_EVENT_PATTERNS } from '../lambda/notify/event-patterns';
import { STATE_TABLE_ENV } from '../lambda/notify/state-table';
import { SEATS_ENV } from '../lambda/quorum/seats';
import { FUNCTION_ENTRIES, type FunctionName } from '../lambda/routes';
import { type FunctionEnvironments, type LocalApi, startLocalApi } from './api-server';
import { type LocalDynamo, startLocalDynamo } from './dynamodb/server';
import { type LocalLambda, startLocalLambda } from './lambda/server';
import { type LocalNotifier, startLocalNotifier } from './notifier-host';
import { readSecretFile, updateSecretDocument } from './secret-store';
import { MAILBOX_PATH, mailboxPages } from './ses/mailbox-page';
import { type LocalSes, startLocalSes } from './ses/server';
import {
  DEFAULT_LOCAL_PRINCIPALS,
  LOCAL_ACCOUNT_ID,
  type SessionResolver,
  type Simulator,
  startSimulator,
} from './simulator';
import { SLACK_PAGE_PATH, slackRoutes } from './slack/page';
import {
  type LocalSlack,
  type SlackChannel,
  type SlackTeam,
  type SlackUser,
  startLocalSlack,
} from './slack/server';
import { type LocalTeams, startLocalTeams, TEAMS_PAGE_PATH, teamsPages } from './slack/teams';
import { assumedRoleArn } from './sts/assume-role';
import { type LocalSts, startLocalSts } from './sts/server';

export const LOCAL_REGION = 'us-east-1';
export const DEMO_RUNBOOK = 'Demo-ApproveChange';
/** The demo runbook whose approval step needs two different people (MinRequiredApprovals 2). */
export const QUORUM_DEMO_RUNBOOK = 'Demo-Quorum';
/** The second person the local routing e-mails about Demo-Quorum's gate, besides the usual recipients. */
export const LOCAL_SECOND_APPROVER = 'colleague@example.com';
/** The API client `npm start` creates afresh each time, so its printed curl calls work. */
export const LOCAL_API_CLIENT = 'local-curl';

const credentialsOf = (accessKeyId: keyof typeof DEFAULT_LOCAL_PRINCIPALS & string) => ({
  accessKeyId,
  secretAccessKey: DEFAULT_LOCAL_PRINCIPALS[accessKeyId]?.secretAccessKey ?? '',
});

/** The signal role's local credentials: the signal and Slack functions run as it. */
const SIGNAL_ROLE_CREDENTIALS = credentialsOf('AKIALOCALWEBHOOKSIGN');

/** Simulator credentials of each function: the local stand-ins for the stack's roles. */
const FUNCTION_CREDENTIALS: Readonly<Record<FunctionName, ReturnType<typeof credentialsOf> | undefined>> = {
  signal: SIGNAL_ROLE_CREDENTIALS,
  stop: credentialsOf('AKIALOCALWEBHOOKSTOP'),
  confirm: credentialsOf('AKIALOCALWEBHOOKCONF'), // reads executions only, as in the stack
  // Runs as the signal role, as in the stack: SSM takes Approve only from a principal in Approvers.
  slack: SIGNAL_ROLE_CREDENTIALS,
};

/** The notifier's simulator credentials: GetAutomationExecution only, as its role in the stack. */
const NOTIFIER_CREDENTIALS = credentialsOf('AKIALOCALWEBHOOKNOTI');

/** The role the shipped runbooks list in Approvers (their `Approver` parameter's default). */
export const LOCAL_SIGNAL_ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/ssm-approval-webhook-signal`;
/**
 * The approver seats, seat 1 first, as the stack outputs them (`ApproverSeatRoleArns`): seat 1 is the signal
 * role itself; seats 2 and 3 are roles only the signal role may assume (through the local STS), whose local
 * credentials the simulator knows as `AKIALOCALWEBHOOKSEAT2` and `AKIALOCALWEBHOOKSEAT3`.
 */
export const LOCAL_SEAT_ROLE_ARNS: readonly string[] = [
  LOCAL_SIGNAL_ROLE_ARN,
  `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/ssm-approval-webhook-seat-2`,
  `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/ssm-approval-webhook-seat-3`,
];
/** The simulator principal (access key id) behind each seat role other than seat 1, in seat order. */
const SEAT_PRINCIPALS = ['AKIALOCALWEBHOOKSEAT2', 'AKIALOCALWEBHOOKSEAT3'] as const;

/** The one identity the local notifier may send e-mail as (the local SES refuses any other). */
export const LOCAL_EMAIL_FROM = 'approvals@webhook.localhost';

export const OPERATOR_CREDENTIALS = credentialsOf('AKIALOCALOPERATOR001');

/** The local Slack workspace: one team, one approvals channel, one person who may decide and one who may not. */
export const LOCAL_SLACK_TEAM: SlackTeam = {
  id: 'T0LOCALTEAM',
  domain: 'local-workspace',
  name: 'Local workspace',
};
export const LOCAL_SLACK_CHANNEL: SlackChannel = { id: 'C0LOCALAPPROVALS', name: 'approvals' };
/** The Slack user the local routing lists as an approver. */
export const LOCAL_SLACK_APPROVER: SlackUser = {
  id: 'U0LOCALALICE',
  name: 'alice',
  realName: 'Alice',
  email: 'alice@example.com',
};
/**
 * A member of the channel who is not an approver (his presses change nothing), except of Demo-Quorum's gate,
 * which needs two different people.
 */
export const LOCAL_SLACK_BYSTANDER: SlackUser = {
  id: 'U0LOCALBOB',
  name: 'bob',
  realName: 'Bob',
  email: 'bob@example.com',
};
/** The Teams workflow webhook the local routing posts to; its URL is stored as `teamsWebhookUrl.change-room`. */
export const LOCAL_TEAMS_WEBHOOK = 'change-room';
/** The function name the Slack function invokes itself by (AWS_LAMBDA_FUNCTION_NAME). */
const SLACK_FUNCTION: FunctionName = 'slack';

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
  /** The local Slack Web API, whose messages the Slack page shows (simulator only). */
  readonly slack?: LocalSlack;
  /** The local Slack channel page (simulator only). */
  readonly slackUrl?: string;
  /** The Slack users of the local workspace: `approver` may decide, `bystander` may not (simulator only). */
  readonly slackUsers?: { readonly approver: SlackUser; readonly bystander: SlackUser };
  /** The local Teams workflow webhook (simulator only). */
  readonly teams?: LocalTeams;
  /** The page of the cards posted to it (simulator only). */
  readonly teamsUrl?: string;
  /** The local Lambda Invoke API, through which the Slack function invokes itself (simulator only). */
  readonly lambda?: LocalLambda;
  /** The local STS, through which the functions assume approver seats 2 and 3 (simulator only). */
  readonly sts?: LocalSts;
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
  // The functions' EMF metric lines follow the log level: off when the functions log nothing (the e2e tests),
  // else left on, so `npm start` shows them. Powertools Metrics reads this variable itself.
  ...(options.logLevel === 'SILENT' ? { POWERTOOLS_METRICS_DISABLED: 'true' } : {}),
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

/**
 * The notifier's configuration (the Slack function reads the same): every runbook's gates go to the local
 * recipients by e-mail, to the local Slack's #approvals (where only alice may decide) and to the local
 * Teams webhook `change-room`. Demo-Quorum's gate, which needs two different people, is also e-mailed to
 * a second person, and in Slack both alice and bob may decide it.
 */
export const localNotifierConfig = (apiUrl: string, recipients: readonly string[]): NotifierConfig => {
  const slack = (users: readonly SlackUser[]) => ({
    channels: [LOCAL_SLACK_CHANNEL.id],
    approvers: { users: users.map((user) => user.id) },
    approve: 'at-once' as const,
  });
  return {
    apiUrl,
    signalRoleArn: LOCAL_SIGNAL_ROLE_ARN,
    email: { from: LOCAL_EMAIL_FROM },
    webhooks: {},
    rules: [
      {
        runbooks: [QUORUM_DEMO_RUNBOOK],
        email: [...new Set([...recipients, LOCAL_SECOND_APPROVER])],
        slack: slack([LOCAL_SLACK_APPROVER, LOCAL_SLACK_BYSTANDER]),
        teams: [LOCAL_TEAMS_WEBHOOK],
      },
    ],
    defaultRule: {
      email: [...recipients],
      slack: slack([LOCAL_SLACK_APPROVER]),
      teams: [LOCAL_TEAMS_WEBHOOK],
    },
    maxLinkTtlSeconds: 7 * 24 * 3600,
  };
};

/** The local services the simulator-backed functions reach through the SDK's own endpoint settings. */
interface LocalServices {
  readonly simulator: Simulator;
  readonly dynamo: LocalDynamo;
  readonly ses: LocalSes;
  readonly slack: LocalSlack;
  readonly lambda: LocalLambda;
  readonly sts: LocalSts;
}

/**
 * What the functions that decide or show a quorum gate get (signal and Slack take seats; confirm and the
 * notifier show the tally by seat): the seats and the local STS to assume seats 2.. through. The signal
 * function also gets the state table, where it claims seats, and the confirm function reads the claims
 * there (the Slack function and the notifier have it), as in the stack.
 */
const seatEnvironment = (services: LocalServices, name?: FunctionName): Record<string, string> => ({
  [SEATS_ENV]: JSON.stringify(LOCAL_SEAT_ROLE_ARNS),
  // The standard variable the SDK reads for STS's endpoint.
  AWS_ENDPOINT_URL_STS: services.sts.url,
  ...(name === 'signal' || name === 'confirm'
    ? { AWS_ENDPOINT_URL_DYNAMODB: services.dynamo.url, [STATE_TABLE_ENV]: services.dynamo.tableName }
    : {}),
});

const notifierConfigJson = (options: LocalStackOptions, apiUrl: string): string =>
  JSON.stringify(localNotifierConfig(apiUrl, options.notify ?? [options.approver ?? DEFAULT_APPROVER]));

/**
 * The Slack function's environment: the signal role's credentials, the state table (its posted messages),
 * the local Slack and the local Lambda Invoke API (it invokes itself, by its own name, to carry out a
 * decision after answering Slack), and the notifier's configuration (who may decide which gate).
 */
const slackEnvironment = (
  options: LocalStackOptions,
  services: LocalServices,
  apiUrl: string,
): Record<string, string> => ({
  ...simulatorEnvironment(options, services.simulator.url, SLACK_FUNCTION),
  SLACK_API_URL: services.slack.apiUrl,
  AWS_ENDPOINT_URL_DYNAMODB: services.dynamo.url,
  [STATE_TABLE_ENV]: services.dynamo.tableName,
  AWS_ENDPOINT_URL_LAMBDA: services.lambda.url,
  AWS_LAMBDA_FUNCTION_NAME: SLACK_FUNCTION,
  [NOTIFIER_CONFIG_ENV]: notifierConfigJson(options, apiUrl),
  ...seatEnvironment(services),
});

const notifierEnvironment = (
  options: LocalStackOptions,
  services: LocalServices,
  apiUrl: string,
): Record<string, string> => ({
  ...simulatorEnvironment(options, services.simulator.url, 'confirm'),
  AWS_ACCESS_KEY_ID: NOTIFIER_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: NOTIFIER_CREDENTIALS.secretAccessKey,
  AWS_ENDPOINT_URL_DYNAMODB: services.dynamo.url,
  AWS_ENDPOINT_URL_SESV2: services.ses.url,
  [STATE_TABLE_ENV]: services.dynamo.tableName,
  SLACK_API_URL: services.slack.apiUrl,
  [NOTIFIER_CONFIG_ENV]: notifierConfigJson(options, apiUrl),
  ...seatEnvironment(services),
});

/** The developer's own client may do everything the API offers, so that every printed example works. */
export const LOCAL_API_SCOPE = { actions: [...API_ACTIONS], runbooks: ['*'] };

const updateSecretFile = (secretFile: string, change: (document: SecretDocument) => SecretDocument) =>
  updateSecretDocument({ kind: 'file', path: secretFile }, change, {
    secretsManager: () => new SecretsManagerClient({}),
  });

/**
 * Replaces the `local-curl` client with a fresh one and returns its token (printed once, stored hashed),
 * and stores the local Teams webhook's URL (its port changes with each start): one update of the secret
 * file, so it cannot interleave with a `npm run token` running meanwhile.
 */
const freshApiToken = async (secretFile: string, teamsWebhookUrl?: string): Promise<string> => {
  const created = createApiToken(LOCAL_API_CLIENT);
  const entry = { ...created.entry, ...LOCAL_API_SCOPE };
  await updateSecretFile(secretFile, (document) => {
    const withToken = withApiClient(
      apiClientNames(document).includes(LOCAL_API_CLIENT)
        ? withoutApiClient(document, LOCAL_API_CLIENT)
        : document,
      entry,
    );
    return teamsWebhookUrl === undefined
      ? withToken
      : withTeamsWebhookUrl(withToken, LOCAL_TEAMS_WEBHOOK, teamsWebhookUrl);
  });
  return created.token;
};

/** A bot token as the local Slack issues it: `xoxb-local-` and 24 random hex digits. */
const newLocalBotToken = (): string => `xoxb-local-${randomBytes(12).toString('hex')}`;
/** A signing secret in Slack's own format: 32 hex digits. */
const newLocalSigningSecret = (): string => randomBytes(16).toString('hex');

/**
 * The Slack app's credentials the local Slack and the product share: those in the secret store, or, on the
 * first start, new ones stored there (so that later starts, and `npm run keys`, see the same).
 */
const localSlackCredentials = async (
  secretFile: string,
): Promise<{ readonly signingSecret: string; readonly botToken: string }> => {
  const stored = validateSecretDocument(await readSecretFile(secretFile)).slack;
  if (stored?.botToken !== undefined)
    return { signingSecret: stored.signingSecret, botToken: stored.botToken };
  const written = await updateSecretFile(secretFile, (document) => {
    const current = validateSecretDocument(document).slack;
    return current?.botToken !== undefined
      ? document
      : withSlackCredentials(document, {
          signingSecret: current?.signingSecret ?? newLocalSigningSecret(),
          botToken: newLocalBotToken(),
        });
  });
  const slack = validateSecretDocument(written).slack;
  return { signingSecret: slack?.signingSecret ?? '', botToken: slack?.botToken ?? '' };
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

/**
 * The local STS's callers and roles: exactly the signal role (the signal and Slack functions' credentials)
 * may assume exactly seats 2 and 3, as the seats' trust policies say in the stack.
 */
export const localStsOptions = (host: string): Parameters<typeof startLocalSts>[0] => ({
  host,
  callers: {
    [SIGNAL_ROLE_CREDENTIALS.accessKeyId]: {
      secretAccessKey: SIGNAL_ROLE_CREDENTIALS.secretAccessKey,
      arn: DEFAULT_LOCAL_PRINCIPALS.AKIALOCALWEBHOOKSIGN?.arn ?? LOCAL_SIGNAL_ROLE_ARN,
    },
  },
  roles: Object.fromEntries(
    SEAT_PRINCIPALS.map((accessKeyId, index) => [
      LOCAL_SEAT_ROLE_ARNS[index + 1] as string,
      { trustedCallers: [SIGNAL_ROLE_CREDENTIALS.accessKeyId], credentials: credentialsOf(accessKeyId) },
    ]),
  ),
});

/**
 * The simulator's session resolver, wired to the local STS (looked up on each request, as the STS starts
 * after the simulator): a token is a session when the STS issued it for that access key, expired sessions
 * included (the simulator answers those ExpiredTokenException). The session acts as its assumed-role ARN,
 * `arn:aws:sts::ACCT:assumed-role/<seat role>/<session name>`, which SSM records as the seat's approver.
 */
export const stsSessions =
  (localSts: () => LocalSts | undefined): SessionResolver =>
  (accessKeyId, sessionToken) => {
    const session = localSts()
      ?.sessions()
      .find((issued) => issued.sessionToken === sessionToken && issued.accessKeyId === accessKeyId);
    return session === undefined
      ? undefined
      : { arn: assumedRoleArn(session.roleArn, session.roleSessionName), expiration: session.expiration };
  };

export const startLocalStack = async (options: LocalStackOptions): Promise<LocalStack> => {
  const host = options.host ?? '127.0.0.1';
  // Creates the store on the first start (one link key), before any function or the notifier reads it;
  // an existing store is only read here (the first start adds the local Slack app's credentials). Its
  // `local-curl` token is replaced once all started.
  await readSecretFile(options.secretFile);
  // The simulator's events reach the notifier once it runs (it needs the API's URL for its links).
  let notifier: LocalNotifier | undefined;
  const deliver = (event: unknown, times = 1) => {
    for (let i = 0; i < times; i += 1) void notifier?.deliver(event);
  };
  // The simulator starts before the local STS, so it reaches the STS's sessions through this variable.
  let sts: LocalSts | undefined;
  const simulator = options.realSsm
    ? undefined
    : await startSimulator({
        host,
        sessions: stsSessions(() => sts),
        port: options.simulatorPort,
        runbookDir: options.runbookDir ?? path.join(__dirname, 'runbooks'),
        onSnsNotification: (event) => deliver(event, options.snsDeliveries ?? 1),
        // Only what the stack's EventBridge rules would pass on reaches the notifier.
        onEventBridgeEvent: (event) => {
          if (NOTIFIER_EVENT_PATTERNS.some((pattern) => matchesPattern(event, pattern))) deliver(event);
        },
      });
  // With real SSM nothing local emits events, so there is no notifier, mailbox, state table or chat.
  const dynamo = simulator ? await startLocalDynamo({ host }) : undefined;
  const ses = simulator
    ? await startLocalSes({
        host,
        verifiedIdentities: [LOCAL_EMAIL_FROM],
        credentials: { [NOTIFIER_CREDENTIALS.accessKeyId]: NOTIFIER_CREDENTIALS.secretAccessKey },
      })
    : undefined;
  const slack = simulator
    ? await startLocalSlack({
        host,
        ...(await localSlackCredentials(options.secretFile)),
        team: LOCAL_SLACK_TEAM,
        users: [LOCAL_SLACK_APPROVER, LOCAL_SLACK_BYSTANDER],
        channels: [LOCAL_SLACK_CHANNEL],
      })
    : undefined;
  const teams = simulator ? await startLocalTeams({ host }) : undefined;
  sts = simulator ? await startLocalSts(localStsOptions(host)) : undefined;
  // The functions start with the API, after this server: it finds them when a request comes.
  let api: LocalApi | undefined;
  const lambda = simulator
    ? await startLocalLambda({
        host,
        // The signal role (the Slack function's) may invoke the Slack function, as in the stack.
        callers: {
          [SIGNAL_ROLE_CREDENTIALS.accessKeyId]: {
            secretAccessKey: SIGNAL_ROLE_CREDENTIALS.secretAccessKey,
            arn: DEFAULT_LOCAL_PRINCIPALS.AKIALOCALWEBHOOKSIGN?.arn ?? LOCAL_SIGNAL_ROLE_ARN,
            mayInvoke: [SLACK_FUNCTION],
          },
        },
        functions: (name) => {
          const running = api;
          return running && Object.hasOwn(FUNCTION_ENTRIES, name)
            ? (event) => running.invoke(name as FunctionName, event)
            : undefined;
        },
      })
    : undefined;
  const services: LocalServices | undefined =
    simulator && dynamo && ses && slack && lambda && sts
      ? { simulator, dynamo, ses, slack, lambda, sts }
      : undefined;
  const environments = (apiUrl: string): FunctionEnvironments =>
    Object.fromEntries(
      (Object.keys(FUNCTION_ENTRIES) as FunctionName[]).map((name) => [
        name,
        !services
          ? realSsmEnvironment(options)
          : name === SLACK_FUNCTION
            ? slackEnvironment(options, services, apiUrl)
            : name === 'signal' || name === 'confirm'
              ? {
                  ...simulatorEnvironment(options, services.simulator.url, name),
                  ...seatEnvironment(services, name),
                  // The signal function shows a quorum's tally on the gate's Slack messages, as in the stack.
                  ...(name === 'signal'
                    ? {
                        SLACK_API_URL: services.slack.apiUrl,
                        [NOTIFIER_CONFIG_ENV]: notifierConfigJson(options, apiUrl),
                      }
                    : {}),
                }
              : simulatorEnvironment(options, services.simulator.url, name),
      ]),
    ) as Record<FunctionName, Record<string, string>>;

  const closeServices = async () => {
    await simulator?.close();
    await dynamo?.close();
    await ses?.close();
    await slack?.close();
    await teams?.close();
    await lambda?.close();
    await sts?.close();
  };
  api = await startLocalApi({
    host,
    port: options.apiPort,
    functionEnvironments: environments,
    localPages: { ...(ses ? mailboxPages(ses) : {}), ...(teams ? teamsPages(teams) : {}) },
    // The Slack page's routes, its GET included, so its buttons' notices show on the page.
    ...(slack ? { localRoutes: slackRoutes(slack) } : {}),
  }).catch(async (error: unknown) => {
    await closeServices();
    throw error;
  });
  const apiUrl = api.url;
  slack?.setInteractionsUrl(`${apiUrl}/slack/interactions`);
  if (services) {
    notifier = await startLocalNotifier(notifierEnvironment(options, services, apiUrl));
  }

  const operatorSsm = simulator
    ? new SSMClient({ endpoint: simulator.url, region: LOCAL_REGION, credentials: OPERATOR_CREDENTIALS })
    : undefined;
  const close = async () => {
    operatorSsm?.destroy();
    await notifier?.close();
    await api?.close();
    await closeServices();
  };
  let demo: DemoExecution | undefined;
  let apiToken: string;
  try {
    // Once every port is bound: a start that fails before (say, a port in use) must not replace the token
    // that a running instance printed. Before the demo: its gate's Teams card needs the webhook's URL.
    apiToken = await freshApiToken(options.secretFile, teams?.webhookUrl(LOCAL_TEAMS_WEBHOOK));
    if (operatorSsm && options.demo !== false) {
      const startDemo = async () =>
        (await operatorSsm.send(new StartAutomationExecutionCommand({ DocumentName: DEMO_RUNBOOK })))
          .AutomationExecutionId ?? '';
      const executionId = await startDemo();
      demo = {
        executionId,
        links: await signedLinks(
          options.secretFile,
          apiUrl,
          executionId,
          options.approver ?? DEFAULT_APPROVER,
        ),
        apiExecutions: { approve: executionId, reject: await startDemo(), stop: await startDemo() },
      };
    }
  } catch (error) {
    await close();
    throw error;
  }

  return {
    apiUrl,
    ...(simulator ? { simulatorUrl: simulator.url } : {}),
    apiToken,
    ...(demo ? { demo } : {}),
    ...(operatorSsm ? { operatorSsm } : {}),
    ...(ses ? { ses, mailboxUrl: `${api.url}${MAILBOX_PATH}` } : {}),
    ...(notifier ? { notifier } : {}),
    ...(slack
      ? {
          slack,
          slackUrl: `${apiUrl}${SLACK_PAGE_PATH}`,
          slackUsers: { approver: LOCAL_SLACK_APPROVER, bystander: LOCAL_SLACK_BYSTANDER },
        }
      : {}),
    ...(teams ? { teams, teamsUrl: `${apiUrl}${TEAMS_PAGE_PATH}` } : {}),
    ...(lambda ? { lambda } : {}),
    ...(sts ? { sts } : {}),
    close,
  };
};
