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
  readonly secretsManager: () => SecretsManagerClient;
  readonly now?: () => Date;
  readonly cwd?: string;
}

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
  let client: SecretsManagerClient | undefined;
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    secretsManager: () => {
      client ??= new SecretsManagerClient({});
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
