/**
 * `npm run link -- <executionId> --action approve [--action reject] ...`: prints one signed link per
 * action. Each link carries a token for its own action only, so forwarding the approve link does not
 * also hand out reject or stop. The logic is in the exported functions; `main` only wires process I/O.
 */
import {
  isApproverLabel,
  isExecutionId,
  LINK_ACTIONS,
  type LinkAction,
  MAX_APPROVER_LENGTH,
  MAX_LINK_TTL_SECONDS,
  MIN_LINK_TTL_SECONDS,
  signLinkToken,
} from '../lambda/auth/link-token';
import { validateSecretDocument } from '../lambda/auth/secret-document';
import { parseCommandLine, runIfMain, runTool, type ToolDependencies } from './cli';
import { readSecretDocument, type SecretSource, secretSourceFromOptions, UsageError } from './secret-store';

/** The local API's port when PORT is not set, as in `npm start`. */
export const DEFAULT_LOCAL_PORT = 3000;
export const DEFAULT_TTL = '24h';
/** Assumption: a link made without --approver names nobody; the comment then says "by link holder". */
export const DEFAULT_APPROVER = 'link holder';

export const LINK_USAGE = `Usage: npm run link -- <executionId> --action approve|reject|stop [--action ...]
                      [--approver LABEL] [--ttl DURATION] [--base-url URL]
                      [--secret-file PATH | --secret-id ARN]

Prints one signed link per action: <base-url>/executions/<executionId>/<action>?token=<token>
Opening a link shows a confirmation page; only its button acts.

  --action      approve, reject or stop; repeat for several links (at least one)
  --approver    who the link is for, e.g. an e-mail address (1-${MAX_APPROVER_LENGTH} characters;
                default "${DEFAULT_APPROVER}"); recorded in the SSM comment when the link is used
  --ttl         how long the link is valid: <n>s, <n>m, <n>h or <n>d, from 1m to 30d (default ${DEFAULT_TTL})
  --base-url    where the webhook listens (default http://127.0.0.1:$PORT, the local runner, which
                listens on $PORT too; port ${DEFAULT_LOCAL_PORT} when PORT is not set);
                for a deployment, the API's URL including the stage path if there is one
  --secret-file the secret document to sign with (default .local/secrets.json, created on first use)
  --secret-id   sign with the deployed secret instead (Secrets Manager; uses your AWS credentials,
                and the region in the ARN when it is one)
  -h, --help    show this help
`;

export interface LinkOptions {
  readonly executionId: string;
  readonly actions: readonly LinkAction[];
  readonly approver: string;
  readonly ttlSeconds: number;
  readonly baseUrl: string;
  readonly source: SecretSource;
}

const DURATION = /^([1-9][0-9]{0,6})([smhd])$/;
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `30m`, `12h`, `7d`, `90s` → seconds. A positive whole number and one unit; nothing else. */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text);
  if (match === null) {
    throw new UsageError(
      `Invalid duration "${text}": use a whole number and a unit s, m, h or d, e.g. 30m, 12h, 7d`,
    );
  }
  return Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number);
}

/** The base URL without a trailing slash; http(s) only, no credentials, query or fragment. */
export function parseBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`Invalid --base-url "${text}": not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`Invalid --base-url "${text}": use http or https`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new UsageError(`Invalid --base-url "${text}": no credentials, query or fragment`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The local runner's URL: `npm start` listens on $PORT, or on port 3000 when PORT is not set. */
export function defaultBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const port = env.PORT;
  if (port === undefined) {
    return `http://127.0.0.1:${DEFAULT_LOCAL_PORT}`;
  }
  if (!/^[0-9]{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    throw new UsageError(
      `Invalid PORT "${port}": the default --base-url uses it as the local API's port, so use 1 to 65535 (or give --base-url)`,
    );
  }
  return `http://127.0.0.1:${Number(port)}`;
}

/** The link command line → options, or 'help'. Every mistake is a UsageError naming the argument. */
export function parseLinkArguments(
  argv: readonly string[],
  cwd: string = process.cwd(),
  env: NodeJS.ProcessEnv = process.env,
): LinkOptions | 'help' {
  const { values, positionals } = parseCommandLine({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      action: { type: 'string', multiple: true },
      approver: { type: 'string' },
      ttl: { type: 'string' },
      'base-url': { type: 'string' },
      'secret-file': { type: 'string' },
      'secret-id': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    return 'help';
  }
  if (positionals.length !== 1) {
    throw new UsageError(`Expected exactly one execution id, got ${positionals.length} arguments`);
  }
  const executionId = positionals[0] as string;
  if (!isExecutionId(executionId)) {
    throw new UsageError(`Invalid execution id "${executionId}": expected a UUID (36 characters)`);
  }
  const actions = parseActions(values.action ?? []);
  const approver = values.approver ?? DEFAULT_APPROVER;
  if (!isApproverLabel(approver)) {
    throw new UsageError(
      `Invalid --approver: use 1 to ${MAX_APPROVER_LENGTH} characters, not only spaces, without control characters`,
    );
  }
  const ttlSeconds = parseDuration(values.ttl ?? DEFAULT_TTL);
  if (ttlSeconds < MIN_LINK_TTL_SECONDS || ttlSeconds > MAX_LINK_TTL_SECONDS) {
    throw new UsageError(`Invalid --ttl "${values.ttl}": a link must live from 1m to 30d`);
  }
  return {
    executionId,
    actions,
    approver,
    ttlSeconds,
    baseUrl: parseBaseUrl(values['base-url'] ?? defaultBaseUrl(env)),
    source: secretSourceFromOptions(values, cwd),
  };
}

function parseActions(values: readonly string[]): LinkAction[] {
  if (values.length === 0) {
    throw new UsageError(`Missing --action: give at least one of ${LINK_ACTIONS.join(', ')}`);
  }
  const actions: LinkAction[] = [];
  for (const value of values) {
    if (!LINK_ACTIONS.includes(value as LinkAction)) {
      throw new UsageError(`Invalid --action "${value}": use ${LINK_ACTIONS.join(', ')}`);
    }
    if (actions.includes(value as LinkAction)) {
      throw new UsageError(`--action ${value} is given more than once`);
    }
    actions.push(value as LinkAction);
  }
  return actions;
}

/** `<base>/executions/<id>/<action>?token=<jws>` (a compact JWS is URL-safe as it is). */
export const linkUrl = (baseUrl: string, executionId: string, action: LinkAction, token: string): string =>
  `${baseUrl}/executions/${encodeURIComponent(executionId)}/${action}?token=${token}`;

/** One signed link per action, in the order given. */
export async function createLinks(options: LinkOptions, dependencies: ToolDependencies): Promise<string[]> {
  const config = validateSecretDocument(await readSecretDocument(options.source, dependencies));
  const now = dependencies.now?.() ?? new Date();
  const links: string[] = [];
  for (const action of options.actions) {
    const token = await signLinkToken(config, {
      executionId: options.executionId,
      actions: [action],
      approver: options.approver,
      ttlSeconds: options.ttlSeconds,
      now,
    });
    links.push(linkUrl(options.baseUrl, options.executionId, action, token));
  }
  return links;
}

/** The whole command; returns the exit code: 0 done, 2 usage error, 1 anything else. */
export async function runLinkCommand(
  argv: readonly string[],
  dependencies: ToolDependencies,
): Promise<number> {
  return runTool(dependencies, async () => {
    const options = parseLinkArguments(argv, dependencies.cwd, dependencies.env);
    if (options === 'help') {
      dependencies.stdout(LINK_USAGE);
      return;
    }
    const links = await createLinks(options, dependencies);
    dependencies.stdout(`${links.join('\n')}\n`);
    const expiresAt = new Date((dependencies.now?.() ?? new Date()).getTime() + options.ttlSeconds * 1000);
    dependencies.stderr(
      `${links.length === 1 ? 'Link' : 'Links'} for ${JSON.stringify(options.approver)}, valid until ${expiresAt.toISOString()}.\n`,
    );
  });
}

runIfMain(module, runLinkCommand);
