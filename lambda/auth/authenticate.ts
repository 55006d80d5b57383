/**
 * The one authentication entry of the mutating routes: an API client token (`Authorization: Bearer`)
 * or a signed link token (the caller takes it from the confirmation form's field or the query string).
 * Slack buttons authenticate elsewhere (the interactions function) and arrive as a SlackIdentity; a link
 * that came with a Slack message only shows its page (`slack-link-view-only`).
 */
import { AuthenticationError, ForbiddenError, ValidationError } from '../core/errors';
import { matchesRunbook } from '../core/runbook-pattern';
import { verifyApiToken } from './api-token';
import {
  authorizeLink,
  type GateRef,
  type LinkChannel,
  type LinkClaims,
  type MutatingAction,
  verifyLinkToken,
} from './link-token';
import type { ApiAction, ApiScope, AuthConfig } from './secret-document';

export type Identity = LinkIdentity | ApiIdentity | SlackIdentity;

export interface ApiIdentity {
  readonly kind: 'api';
  readonly channel: 'api';
  readonly name: string;
  /** What the client may do (the action is checked here, the runbook once the execution is read). */
  readonly scope: ApiScope;
}

export interface LinkIdentity {
  readonly kind: 'link';
  readonly channel: 'link';
  readonly name: string;
  readonly tokenId: string;
  /** The one approval step the link decides (links the notifier sent); absent for hand-made links. */
  readonly gate?: GateRef;
  /** How the link reached the person (`email`, `webhook`); absent for hand-made links. */
  readonly via?: LinkChannel;
  /** The id of the key that verified the link (for the audit record). */
  readonly keyId?: string;
}

/**
 * A person who pressed a button of a Slack message: Slack's signed request names the user; the button's
 * signed value names the execution, the gate and the channel it was posted to.
 */
export interface SlackIdentity {
  readonly kind: 'slack';
  readonly channel: 'slack';
  /**
   * The Slack user's name as the interaction payload gives it (`alice`), as recorded: the interactions
   * function passes it through slackUserName (identity-comment.ts: singleLine, at most 80 characters,
   * round brackets made square), so that it cannot fake another user id in SSM's Comment.
   */
  readonly name: string;
  /** The Slack user id (`U0123ABCD`). */
  readonly userId: string;
  readonly teamId: string;
  /** The Slack channel the message (and its buttons) was posted to. */
  readonly slackChannelId: string;
  /** The one approval step the button decides. */
  readonly gate: GateRef;
  /** The button value's `jti` and the key that verified it (for the audit record). */
  readonly tokenId: string;
  readonly keyId: string;
}

/** The gate a step-bound credential (a notifier's link, a Slack button) decides; undefined otherwise. */
export const gateOf = (identity: Identity): GateRef | undefined =>
  identity.kind === 'api' ? undefined : identity.gate;

/** The identity a verified link stands for. */
export const linkIdentity = (claims: LinkClaims): LinkIdentity => ({
  kind: 'link',
  channel: 'link',
  name: claims.approver,
  tokenId: claims.tokenId,
  keyId: claims.keyId,
  ...(claims.gate === undefined ? {} : { gate: claims.gate }),
  ...(claims.channel === undefined ? {} : { via: claims.channel }),
});

export interface PresentedCredentials {
  /** The raw `Authorization` header value, if the request had one. */
  readonly authorization?: string;
  /** The link token from the form field or query string, if the request had one. */
  readonly linkToken?: string;
}

export interface RequestedOperation {
  readonly executionId: string;
  readonly action: MutatingAction;
}

export const AUTH_REALM = 'ssm-approval-webhook';

/** RFC 6750 §2.1: `Bearer` (case-insensitive, RFC 9110 §11.1), one or more spaces, a token68. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const SCHEME = /^[^ ]*/;

/**
 * Who is calling, or why not. A credential counts as presented when its value is a string, even an
 * empty one: an empty token field is an invalid token, not a missing one.
 *
 * - both an Authorization header and a link token → ValidationError `ambiguous-credentials` (400): which
 *   one should be recorded as the actor is not ours to guess;
 * - `Authorization: Bearer <token>` → an API client, within its scope (the action here, the runbook once the
 *   execution is read: ForbiddenError `scope-action` / `scope-runbook`); unknown token →
 *   AuthenticationError `invalid-api-token`; another scheme → AuthenticationError `unsupported-auth-scheme`;
 * - a link token → verified (see verifyLinkToken), then it must name this execution and allow this action
 *   (`signal` never) → ForbiddenError `link-wrong-execution` / `link-wrong-action`, and not have come with
 *   a Slack message → ForbiddenError `slack-link-view-only`;
 * - neither → AuthenticationError `missing-credentials`.
 */
export async function authenticate(
  config: AuthConfig,
  credentials: PresentedCredentials,
  operation: RequestedOperation,
  now: Date = new Date(),
): Promise<Identity> {
  const { authorization, linkToken } = credentials;
  if (typeof authorization === 'string' && typeof linkToken === 'string') {
    throw new ValidationError(
      'ambiguous-credentials',
      'Send either an Authorization header or a link token, not both.',
    );
  }
  if (typeof authorization === 'string') {
    const client = authenticateApiClient(config, authorization);
    authorizeApiAction(client.clientName, client.scope, operation.action);
    return { kind: 'api', channel: 'api', name: client.clientName, scope: client.scope };
  }
  if (typeof linkToken === 'string') {
    const claims = await verifyLinkToken(config, linkToken, now);
    authorizeLink(claims, operation.executionId, operation.action);
    return linkIdentity(claims);
  }
  throw new AuthenticationError(
    'missing-credentials',
    'This action needs a signed link or an API token (Authorization: Bearer).',
  );
}

function authenticateApiClient(
  config: AuthConfig,
  authorization: string,
): { clientName: string; scope: ApiScope } {
  const bearer = BEARER.exec(authorization.trim());
  if (bearer === null) {
    const scheme = SCHEME.exec(authorization.trim())?.[0] ?? '';
    if (scheme.toLowerCase() !== 'bearer') {
      throw new AuthenticationError(
        'unsupported-auth-scheme',
        'Only the Bearer authorization scheme is accepted.',
      );
    }
    throw invalidApiToken();
  }
  const client = verifyApiToken(config, bearer[1] as string);
  if (client === undefined) {
    throw invalidApiToken();
  }
  return client;
}

const ACTION_PHRASES: Readonly<Record<ApiAction, string>> = {
  approve: 'approve executions',
  reject: 'reject executions',
  stop: 'stop executions',
  signal: 'send signals to executions',
  complete: 'stop executions as Complete',
};

/** The action must be in the client's scope; the runbook is checked once the execution is read. */
export function authorizeApiAction(clientName: string, scope: ApiScope, action: ApiAction): void {
  if (!scope.actions.includes(action)) {
    throw new ForbiddenError(
      'scope-action',
      `The API client "${clientName}" may not ${ACTION_PHRASES[action]}; its scope allows: ${scope.actions.join(', ')}.`,
    );
  }
}

/** The execution's runbook must match one of the client's runbook patterns. */
export function authorizeApiRunbook(identity: ApiIdentity, documentName: string): void {
  if (!identity.scope.runbooks.some((pattern) => matchesRunbook(pattern, documentName))) {
    throw new ForbiddenError(
      'scope-runbook',
      `The API client "${identity.name}" may not act on runbook ${documentName}; its scope allows runbooks matching: ${identity.scope.runbooks.join(', ')}.`,
    );
  }
}

const invalidApiToken = (): AuthenticationError =>
  new AuthenticationError('invalid-api-token', 'The API token is not valid.');

/** The reasons for which a token was presented but refused: RFC 6750 §3.1 `error="invalid_token"`. */
const INVALID_TOKEN_REASONS: ReadonlySet<string> = new Set([
  'invalid-api-token',
  'invalid-link-token',
  'unknown-key-id',
]);

/**
 * The `WWW-Authenticate` value for a 401. Without a presented token (missing credentials, another
 * scheme) RFC 6750 §3 says to send no error code; with a refused token, `error="invalid_token"`.
 */
export function challengeFor(error: AuthenticationError): string {
  const base = `Bearer realm="${AUTH_REALM}"`;
  return INVALID_TOKEN_REASONS.has(error.reason) ? `${base}, error="invalid_token"` : base;
}
