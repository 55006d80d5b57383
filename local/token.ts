/**
 * `npm run token -- create|list|revoke ...`: API client tokens for machines. `create` prints the token
 * once on stdout (so `$(npm run -s token -- create jira)` captures exactly the token) and stores only its
 * SHA-256; notes for the operator go to stderr. The logic is in the exported functions.
 */
import { DEFAULT_MAX_AGE_SECONDS } from '../lambda/auth/config-source';
import {
  API_ACTIONS,
  API_CLIENT_NAME_PATTERN,
  type ApiAction,
  type ApiScope,
  MAX_SCOPE_RUNBOOK_PATTERNS,
  validateSecretDocument,
} from '../lambda/auth/secret-document';
import { RUNBOOK_PATTERN_RULE } from '../lambda/core/runbook-pattern';
import { describeSource, parseCommandLine, runIfMain, runTool, type ToolDependencies } from './cli';
import {
  addApiClient,
  readSecretDocument,
  revokeApiClient,
  type SecretSource,
  secretSourceFromOptions,
  UsageError,
} from './secret-store';

export const TOKEN_USAGE = `Usage: npm run token -- create <client-name> --actions LIST --runbooks LIST [--secret-file PATH | --secret-id ARN]
       npm run token -- list                [--secret-file PATH | --secret-id ARN]
       npm run token -- revoke <client-name> [--secret-file PATH | --secret-id ARN]

API client tokens, for systems that call the webhook with "Authorization: Bearer <token>".
  create  makes a token for a new client and prints it once; only its SHA-256 hash is stored
  list    prints each client with its scope
  revoke  removes a client; its token stops working once the functions re-read the secret
          (${DEFAULT_MAX_AGE_SECONDS / 60} minutes by default)

  <client-name>  1-64 characters from A-Z a-z 0-9 . _ - ; recorded as the identity of its calls
  --actions      what the client may do, comma-separated: ${API_ACTIONS.join(', ')}
                 (signal: the generic signal route; complete: stop with Type Complete, which ends a run
                 as a success without its remaining steps; both only when granted explicitly)
  --runbooks     the runbooks it may act on, comma-separated name patterns (* any run of characters,
                 ? one character), e.g. 'Change-*'; '*' for every runbook
                 Example: npm run token -- create jira --actions approve,reject --runbooks 'Change-*'
  --secret-file  the secret document (default .local/secrets.json, created on first use)
  --secret-id    the deployed secret instead (Secrets Manager; uses your AWS credentials)
  -h, --help     show this help
`;

export type TokenCommand =
  | {
      readonly command: 'create';
      readonly name: string;
      readonly scope: { readonly actions: ApiAction[]; readonly runbooks: string[] };
      readonly source: SecretSource;
    }
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
      actions: { type: 'string' },
      runbooks: { type: 'string' },
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
  if (command !== 'create' && (values.actions !== undefined || values.runbooks !== undefined)) {
    throw new UsageError(`--actions and --runbooks are only for "create"; "${command}" does not take them`);
  }
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
      if (command === 'revoke') return { command, name, source: source() };
      return { command, name, scope: parseScope(values.actions, values.runbooks), source: source() };
    }
    default:
      throw new UsageError(`Unknown command "${command}": use create, list or revoke`);
  }
}

const list = (raw: string): string[] =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/** A new client's scope, both parts required: a token made without thinking about its reach is refused. */
function parseScope(
  actions: string | undefined,
  runbooks: string | undefined,
): { actions: ApiAction[]; runbooks: string[] } {
  if (actions === undefined || runbooks === undefined) {
    throw new UsageError(
      `"create" needs --actions (${API_ACTIONS.join(', ')}) and --runbooks (name patterns, '*' for all)`,
    );
  }
  const actionList = list(actions);
  const unknown = actionList.filter((action) => !(API_ACTIONS as readonly string[]).includes(action));
  if (actionList.length === 0 || unknown.length > 0 || new Set(actionList).size !== actionList.length) {
    throw new UsageError(
      `Invalid --actions "${actions}": a comma-separated list of distinct values from ${API_ACTIONS.join(', ')}`,
    );
  }
  const runbookList = list(runbooks);
  if (
    runbookList.length === 0 ||
    runbookList.length > MAX_SCOPE_RUNBOOK_PATTERNS ||
    !runbookList.every((pattern) => RUNBOOK_PATTERN_RULE.test(pattern))
  ) {
    throw new UsageError(
      `Invalid --runbooks "${runbooks}": 1 to ${MAX_SCOPE_RUNBOOK_PATTERNS} comma-separated patterns of A-Z a-z 0-9 _ . - and the wildcards * ?`,
    );
  }
  return { actions: actionList as ApiAction[], runbooks: runbookList };
}

/** `jira  actions=approve,reject  runbooks=Change-*` (and `(stored without a scope)` for old entries). */
const describeClient = (entry: Record<string, unknown>, scope: ApiScope): string =>
  `${String(entry.name)}  actions=${scope.actions.join(',')}  runbooks=${scope.runbooks.join(',')}${
    entry.actions === undefined && entry.runbooks === undefined
      ? '  (stored without a scope: re-create it to narrow it)'
      : ''
  }`;

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
        const { token } = await addApiClient(parsed.source, parsed.name, dependencies, parsed.scope);
        dependencies.stdout(`${token}\n`);
        dependencies.stderr(
          `Created API client "${parsed.name}" in ${describeSource(parsed.source)}, allowed to ${parsed.scope.actions.join(', ')} on runbooks matching ${parsed.scope.runbooks.join(', ')}.\n` +
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
        const document = await readSecretDocument(parsed.source, dependencies);
        const clients = validateSecretDocument(document).apiClients;
        const stored = (Array.isArray(document.apiClients) ? document.apiClients : []) as Record<
          string,
          unknown
        >[];
        if (clients.length > 0) {
          dependencies.stdout(
            `${clients.map((client, index) => describeClient(stored[index] ?? {}, client.scope)).join('\n')}\n`,
          );
        } else {
          dependencies.stderr(`No API clients in ${describeSource(parsed.source)}.\n`);
        }
        return;
      }
    }
  });
}

runIfMain(module, runTokenCommand);
