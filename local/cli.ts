/**
 * What the command-line tools (link, token, keys) share: argument parsing with usage errors, the exit-code
 * convention (0 done, 2 usage error, 1 anything else) and the process wiring their tests replace.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type SecretSource, UsageError } from './secret-store';

/** Runs util.parseArgs and turns its errors into UsageErrors. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
      throw new UsageError((error as Error).message);
    }
    throw error;
  }
}

export interface ToolDependencies {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The client for the secret `secretId` (see StoreDependencies). */
  readonly secretsManager: (secretId: string) => SecretsManagerClient;
  readonly now?: () => Date;
  readonly cwd?: string;
  /** The environment the tool reads (PORT for link's default base URL). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** See StoreDependencies.afterRead (tests). */
  readonly afterRead?: () => Promise<void>;
}

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):\d{12}:secret:./;

/**
 * The region of a secret given as an ARN (`arn:<partition>:secretsmanager:<region>:<account>:secret:…`),
 * or undefined for a secret name, which the SDK looks up in the configured region (AWS_REGION, profile).
 */
export const regionOfSecretId = (secretId: string): string | undefined => SECRET_ARN.exec(secretId)?.[1];

/** How a tool names the secret it worked on. */
export const describeSource = (source: SecretSource): string =>
  source.kind === 'file' ? source.path : `Secrets Manager secret ${source.secretId}`;

/** Shared error handling of the tools: usage errors → 2, others → 1; the message goes to stderr. */
export async function runTool(
  dependencies: Pick<ToolDependencies, 'stderr'>,
  body: () => Promise<void>,
): Promise<number> {
  try {
    await body();
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      dependencies.stderr(`Error: ${error.message}\nRun with --help for usage.\n`);
      return 2;
    }
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    dependencies.stderr(`Error: ${name === 'Error' ? '' : `${name}: `}${message}\n`);
    return 1;
  }
}

/** Process wiring for a tool's run function. */
export function processDependencies(): ToolDependencies {
  const clients = new Map<string | undefined, SecretsManagerClient>();
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    // A secret ARN names its region: use it, whatever region the environment configures.
    secretsManager: (secretId) => {
      const region = regionOfSecretId(secretId);
      let client = clients.get(region);
      if (client === undefined) {
        client = new SecretsManagerClient(region === undefined ? {} : { region });
        clients.set(region, client);
      }
      return client;
    },
  };
}

/**
 * Runs a tool when its file is the program, not when a test imports it. tsx runs the tools as CommonJS
 * (package.json has no "type": "module"), so `require.main` tells the two apart.
 */
export const runIfMain = (
  toolModule: NodeJS.Module,
  run: (argv: readonly string[], dependencies: ToolDependencies) => Promise<number>,
): void => {
  if (require.main !== toolModule) return;
  run(process.argv.slice(2), processDependencies()).then((code) => {
    process.exitCode = code;
  });
};
