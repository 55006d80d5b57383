/**
 * The whole webhook on one machine: the SSM Automation simulator (or real SSM), the local API running
 * each Lambda function in a worker with its own credentials, the local secret store, and a demo execution
 * waiting at its approval step. `npm start` and the end-to-end tests both start it through here.
 */
import path from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { signLinkToken } from '../lambda/auth/link-token';
import { validateSecretDocument } from '../lambda/auth/secret-document';
import type { FunctionName } from '../lambda/routes';
import { startLocalApi } from './api-server';
import {
  addApiClient,
  listApiClients,
  readSecretFile,
  revokeApiClient,
  type SecretSource,
} from './secret-store';
import { DEFAULT_LOCAL_PRINCIPALS, startSimulator } from './simulator';

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
  confirm: undefined, // holds no SSM permission, as in the stack
};

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
}

export interface DemoExecution {
  readonly executionId: string;
  readonly links: Readonly<Record<'approve' | 'reject' | 'stop', string>>;
}

export interface LocalStack {
  readonly apiUrl: string;
  readonly simulatorUrl?: string;
  /** A fresh API token of the client `local-curl` (its hash is in the secret file). */
  readonly apiToken: string;
  readonly demo?: DemoExecution;
  /** An SDK client of the operator, pointed at the simulator (undefined on real SSM). */
  readonly operatorSsm?: SSMClient;
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

/** Replaces the `local-curl` client with a fresh one and returns its token (printed once, stored hashed). */
const freshApiToken = async (secretFile: string): Promise<string> => {
  const source: SecretSource = { kind: 'file', path: secretFile };
  const dependencies = { secretsManager: () => new SecretsManagerClient({}) };
  if ((await listApiClients(source, dependencies)).includes(LOCAL_API_CLIENT)) {
    await revokeApiClient(source, LOCAL_API_CLIENT, dependencies);
  }
  return (await addApiClient(source, LOCAL_API_CLIENT, dependencies)).token;
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

export const startLocalStack = async (options: LocalStackOptions): Promise<LocalStack> => {
  const host = options.host ?? '127.0.0.1';
  const apiToken = await freshApiToken(options.secretFile);
  const simulator = options.realSsm
    ? undefined
    : await startSimulator({
        host,
        port: options.simulatorPort,
        runbookDir: options.runbookDir ?? path.join(__dirname, 'runbooks'),
      });
  const environments = Object.fromEntries(
    (['signal', 'stop', 'confirm'] as const).map((name) => [
      name,
      simulator ? simulatorEnvironment(options, simulator.url, name) : realSsmEnvironment(options),
    ]),
  ) as Record<FunctionName, Record<string, string>>;

  const api = await startLocalApi({ host, port: options.apiPort, functionEnvironments: environments }).catch(
    async (error: unknown) => {
      await simulator?.close();
      throw error;
    },
  );

  const operatorSsm = simulator
    ? new SSMClient({ endpoint: simulator.url, region: LOCAL_REGION, credentials: OPERATOR_CREDENTIALS })
    : undefined;
  let demo: DemoExecution | undefined;
  if (operatorSsm && options.demo !== false) {
    const started = await operatorSsm.send(
      new StartAutomationExecutionCommand({ DocumentName: DEMO_RUNBOOK }),
    );
    const executionId = started.AutomationExecutionId ?? '';
    demo = {
      executionId,
      links: await signedLinks(
        options.secretFile,
        api.url,
        executionId,
        options.approver ?? 'you@example.com',
      ),
    };
  }

  return {
    apiUrl: api.url,
    ...(simulator ? { simulatorUrl: simulator.url } : {}),
    apiToken,
    ...(demo ? { demo } : {}),
    ...(operatorSsm ? { operatorSsm } : {}),
    close: async () => {
      operatorSsm?.destroy();
      await api.close();
      await simulator?.close();
    },
  };
};
