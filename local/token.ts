/**
 * `npm run token -- create|list|revoke ...`: API client tokens for machines. `create` prints the token
 * once on stdout (so `$(npm run -s token -- create jira)` captures exactly the token) and stores only its
 * SHA-256; notes for the operator go to stderr. The logic is in the exported functions.
 */
import { DEFAULT_MAX_AGE_SECONDS } from '../lambda/auth/config-source';
import { API_CLIENT_NAME_PATTERN } from '../lambda/auth/secret-document';
import { describeSource, parseCommandLine, runIfMain, runTool, type ToolDependencies } from './cli';
import {
  addApiClient,
  listApiClients,
  revokeApiClient,
  type SecretSource,
  secretSourceFromOptions,
  UsageError,
} from './secret-store';

export const TOKEN_USAGE = `Usage: npm run token -- create <client-name> [--secret-file PATH | --secret-id ARN]
       npm run token -- list                [--secret-file PATH | --secret-id ARN]
       npm run token -- revoke <client-name> [--secret-file PATH | --secret-id ARN]

API client tokens, for systems that call the webhook with "Authorization: Bearer <token>".
  create  makes a token for a new client and prints it once; only its SHA-256 hash is stored
  list    prints the client names
  revoke  removes a client; its token stops working once the functions re-read the secret
          (${DEFAULT_MAX_AGE_SECONDS / 60} minutes by default)

  <client-name>  1-64 characters from A-Z a-z 0-9 . _ - ; recorded as the identity of its calls
  --secret-file  the secret document (default .local/secrets.json, created on first use)
  --secret-id    the deployed secret instead (Secrets Manager; uses your AWS credentials)
  -h, --help     show this help
`;

export type TokenCommand =
  | { readonly command: 'create'; readonly name: string; readonly source: SecretSource }
  | { readonly command: 'revoke'; readonly name: string; readonly source: SecretSource }
  | { readonly command: 'list'; readonly source: SecretSource };

/** The token command line → a command, or 'help'. Every mistake is a UsageError. */
export function parseTokenArguments(
  argv: readonly string[],
  cwd: string = process.cwd(),
): TokenCommand | 'help' {
  const { values, positionals } = parseCommandLine({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      'secret-file': { type: 'string' },
      'secret-id': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    return 'help';
  }
  const [command, ...rest] = positionals;
  if (command === undefined) {
    throw new UsageError('Missing command: create, list or revoke');
  }
  const source = () => secretSourceFromOptions(values, cwd);
  switch (command) {
    case 'list':
      if (rest.length > 0) {
        throw new UsageError('"list" takes no arguments');
      }
      return { command, source: source() };
    case 'create':
    case 'revoke': {
      if (rest.length !== 1) {
        throw new UsageError(`"${command}" takes exactly one client name`);
      }
      const name = rest[0] as string;
      if (!API_CLIENT_NAME_PATTERN.test(name)) {
        throw new UsageError(`Invalid client name "${name}": use 1-64 characters from A-Z a-z 0-9 . _ -`);
      }
      return { command, name, source: source() };
    }
    default:
      throw new UsageError(`Unknown command "${command}": use create, list or revoke`);
  }
}

export async function runTokenCommand(
  argv: readonly string[],
  dependencies: ToolDependencies,
): Promise<number> {
  return runTool(dependencies, async () => {
    const parsed = parseTokenArguments(argv, dependencies.cwd);
    if (parsed === 'help') {
      dependencies.stdout(TOKEN_USAGE);
      return;
    }
    switch (parsed.command) {
      case 'create': {
        const { token } = await addApiClient(parsed.source, parsed.name, dependencies);
        dependencies.stdout(`${token}\n`);
        dependencies.stderr(
          `Created API client "${parsed.name}" in ${describeSource(parsed.source)}.\n` +
            'The token above is shown only this once and is NOT stored (only its SHA-256 hash is): ' +
            'keep it in the client\'s secret store now.\nThe client sends it as "Authorization: Bearer <token>".\n',
        );
        return;
      }
      case 'revoke':
        await revokeApiClient(parsed.source, parsed.name, dependencies);
        dependencies.stderr(
          `Revoked API client "${parsed.name}" in ${describeSource(parsed.source)}. Functions that cached the secret ` +
            `may accept its token until their cache expires (${DEFAULT_MAX_AGE_SECONDS / 60} minutes by default).\n`,
        );
        return;
      case 'list': {
        const names = await listApiClients(parsed.source, dependencies);
        if (names.length > 0) {
          dependencies.stdout(`${names.join('\n')}\n`);
        } else {
          dependencies.stderr(`No API clients in ${describeSource(parsed.source)}.\n`);
        }
        return;
      }
    }
  });
}

runIfMain(module, runTokenCommand);
