/**
 * Signed approval links: a compact JWS (HS256) made and checked by `jose`, so no home-made token format.
 *
 * Header: `{ alg: 'HS256', kid, typ: 'ssm-approval-link+jwt' }`; the `kid` picks the verifying key, so
 * keys rotate by adding a new `linkKey.<kid>` and making it active while the old ones keep verifying.
 * Claims: `v` (format version, 1), `sub` (execution id), `act` (allowed actions), `apr` (the approver's
 * label), `iat`, `exp`, `jti` (random UUID, for the audit log), fixed `iss` and `aud` (so a JWT minted for
 * something else with the same key material is not a link). Links the notifier mints also carry `gat`, the
 * gate (`{ "n": step name, "id": step execution id }`): such a link decides only that one approval step,
 * never a later gate of the same execution; and `chn`, the channel it was sent through (`email`,
 * `webhook`, `slack`, `teams`), recorded with the decision. Links without `gat` (made by `npm run link`)
 * act on whichever approval step waits. A `slack` link only opens its page: see authorizeLink.
 */
import type { JWTHeaderParameters, JWTPayload } from 'jose';
import { AuthenticationError, ForbiddenError, ValidationError } from '../core/errors';
import {
  epochSeconds,
  type JwsKind,
  KEY_RING_CLOCK_TOLERANCE_SECONDS,
  KEY_RING_ISSUER,
  KeyRingJwsError,
  signWithKeyRing,
  verifyWithKeyRing,
} from './key-ring-jws';
import type { AuthConfig } from './secret-document';

export const LINK_ACTIONS = ['approve', 'reject', 'stop'] as const;
export type LinkAction = (typeof LINK_ACTIONS)[number];
/** Every action a mutating route performs; a link can never grant `signal`. */
export type MutatingAction = LinkAction | 'signal';

export const LINK_TOKEN_TYPE = 'ssm-approval-link+jwt';
export const LINK_TOKEN_ISSUER = KEY_RING_ISSUER;
export const LINK_TOKEN_AUDIENCE = 'ssm-approval-webhook/link';
export const LINK_TOKEN_VERSION = 1;
export const MIN_LINK_TTL_SECONDS = 60;
export const MAX_LINK_TTL_SECONDS = 30 * 24 * 60 * 60;
/** Tokens longer than this are refused unparsed; a real one is well under 1.5 KB (see the test). */
export const MAX_LINK_TOKEN_LENGTH = 2048;
/** A link is still accepted up to 5 s after its `exp` (see KEY_RING_CLOCK_TOLERANCE_SECONDS). */
export const LINK_CLOCK_TOLERANCE_SECONDS = KEY_RING_CLOCK_TOLERANCE_SECONDS;

const LINK_KIND: JwsKind = {
  typ: LINK_TOKEN_TYPE,
  audience: LINK_TOKEN_AUDIENCE,
  maxLength: MAX_LINK_TOKEN_LENGTH,
  noun: 'token',
};
export const MAX_APPROVER_LENGTH = 128;

const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/**
 * The label is shown on the confirmation page and written into the SSM comment and the audit log, so
 * characters that are invisible, reorder text (bidi controls) or break lines are refused.
 */
const FORBIDDEN_LABEL_CHARACTERS = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

/** The one approval step (gate) a link was minted for. */
export interface GateRef {
  /** The step's name in the runbook. */
  readonly stepName: string;
  /** The step execution's id: a step that runs again gets a new one. */
  readonly stepExecutionId: string;
}

/**
 * Channels that deliver links; a link made by hand (`npm run link`) names none. A `slack` link only shows
 * the details page: in Slack, the clicker's Slack user decides, through the message's buttons.
 */
export const LINK_CHANNELS = ['email', 'webhook', 'slack', 'teams'] as const;
export type LinkChannel = (typeof LINK_CHANNELS)[number];

/** SSM step names: letters, digits and underscores (we also take `-` and `.`), at most 128 characters. */
const STEP_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,128}$/;
/** SSM step execution ids are UUIDs; accept any id of that alphabet up to 128 characters. */
const STEP_EXECUTION_ID_PATTERN = /^[A-Za-z0-9-]{1,128}$/;

export const isGateRef = (value: unknown): value is GateRef =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as GateRef).stepName === 'string' &&
  STEP_NAME_PATTERN.test((value as GateRef).stepName) &&
  typeof (value as GateRef).stepExecutionId === 'string' &&
  STEP_EXECUTION_ID_PATTERN.test((value as GateRef).stepExecutionId);

export interface LinkClaims {
  readonly executionId: string;
  readonly actions: readonly LinkAction[];
  readonly approver: string;
  readonly expiresAt: Date;
  readonly issuedAt: Date;
  /** The `jti`: one id per link, for the audit log. */
  readonly tokenId: string;
  /** The `kid` of the key that verified the token. */
  readonly keyId: string;
  /** The gate the link decides; absent for links made by hand, which act on whichever gate waits. */
  readonly gate?: GateRef;
  /** The channel the link was sent through; absent for links made by hand. */
  readonly channel?: LinkChannel;
}

export interface SignLinkInput {
  readonly executionId: string;
  readonly actions: readonly LinkAction[];
  readonly approver: string;
  readonly ttlSeconds: number;
  readonly now?: Date;
  /** Binds the link to one approval step. */
  readonly gate?: GateRef;
  /** The channel the link is sent through. */
  readonly channel?: LinkChannel;
}

const isLinkAction = (value: unknown): value is LinkAction => LINK_ACTIONS.includes(value as LinkAction);

const isActionList = (value: unknown): value is LinkAction[] =>
  Array.isArray(value) &&
  value.length > 0 &&
  value.every(isLinkAction) &&
  new Set(value).size === value.length;

/** 1–128 characters (code points), not only spaces, no control, format or line-separator characters. */
export const isApproverLabel = (value: unknown): value is string =>
  typeof value === 'string' &&
  value.trim() !== '' &&
  [...value].length <= MAX_APPROVER_LENGTH &&
  !FORBIDDEN_LABEL_CHARACTERS.test(value);

export const isExecutionId = (value: unknown): value is string =>
  typeof value === 'string' && UUID_PATTERN.test(value);

/** Signs a link token with the active key. Input errors are ValidationErrors (the caller's mistake). */
export async function signLinkToken(config: AuthConfig, input: SignLinkInput): Promise<string> {
  if (!isExecutionId(input.executionId)) {
    throw new ValidationError('invalid-execution-id', 'The execution id must be a UUID (36 characters)');
  }
  if (!isActionList(input.actions)) {
    throw new ValidationError(
      'invalid-link-actions',
      `The actions must be a non-empty list of distinct values from: ${LINK_ACTIONS.join(', ')}`,
    );
  }
  if (!isApproverLabel(input.approver)) {
    throw new ValidationError(
      'invalid-approver',
      `The approver label must be 1 to ${MAX_APPROVER_LENGTH} characters without control characters`,
    );
  }
  const { ttlSeconds } = input;
  if (
    !Number.isInteger(ttlSeconds) ||
    ttlSeconds < MIN_LINK_TTL_SECONDS ||
    ttlSeconds > MAX_LINK_TTL_SECONDS
  ) {
    throw new ValidationError(
      'invalid-link-ttl',
      `The link lifetime must be a whole number of seconds from ${MIN_LINK_TTL_SECONDS} to ${MAX_LINK_TTL_SECONDS}`,
    );
  }
  if (input.gate !== undefined && !isGateRef(input.gate)) {
    throw new ValidationError(
      'invalid-gate',
      'The gate must name a step (letters, digits, _ . -) and its step execution id',
    );
  }
  if (input.channel !== undefined && !LINK_CHANNELS.includes(input.channel)) {
    throw new ValidationError(
      'invalid-link-channel',
      `The channel must be one of: ${LINK_CHANNELS.join(', ')}`,
    );
  }
  return signWithKeyRing(config, LINK_KIND, {
    subject: input.executionId,
    claims: {
      v: LINK_TOKEN_VERSION,
      act: [...input.actions],
      apr: input.approver,
      ...(input.gate === undefined
        ? {}
        : { gat: { n: input.gate.stepName, id: input.gate.stepExecutionId } }),
      ...(input.channel === undefined ? {} : { chn: input.channel }),
    },
    ttlSeconds,
    ...(input.now ? { now: input.now } : {}),
  });
}

const invalidToken = (cause: unknown): AuthenticationError =>
  new AuthenticationError('invalid-link-token', 'The link is not valid. Ask for a new link.', { cause });

/**
 * Verifies a link token: signature (HS256 only, key chosen by `kid`), type, issuer, audience, expiry
 * and every claim's type. Expired → ForbiddenError `link-expired`; anything else wrong →
 * AuthenticationError (`invalid-link-token`, or `unknown-key-id` for a retired or unknown key).
 * The reason a token is invalid is kept in `cause` for the log, never in the detail sent back.
 */
export async function verifyLinkToken(
  config: AuthConfig,
  token: string,
  now: Date = new Date(),
): Promise<LinkClaims> {
  let verified: Awaited<ReturnType<typeof verifyWithKeyRing>>;
  try {
    verified = await verifyWithKeyRing(config, LINK_KIND, token, now);
  } catch (error) {
    if (!(error instanceof KeyRingJwsError)) throw error;
    if (error.failure === 'expired') {
      throw new ForbiddenError('link-expired', 'The link has expired. Ask for a new link.', {
        cause: error.cause,
      });
    }
    if (error.failure === 'unknown-key') {
      throw new AuthenticationError(
        'unknown-key-id',
        'The link was signed with a key that is no longer accepted. Ask for a new link.',
        { cause: error.cause },
      );
    }
    throw invalidToken(error.cause);
  }
  const { payload, header } = verified;
  return claimsFrom(payload, header, now);
}

/** jose checked signature, typ, iss, aud and exp; this checks our own claims, strictly. */
function claimsFrom(payload: JWTPayload, header: JWTHeaderParameters, now: Date): LinkClaims {
  const problem = (text: string): AuthenticationError => invalidToken(new Error(text));
  if (payload.v !== LINK_TOKEN_VERSION) {
    throw problem('claim "v" is not a supported version');
  }
  const { sub, act, apr, jti, iat, exp, gat, chn } = payload;
  if (!isExecutionId(sub)) {
    throw problem('claim "sub" is not an execution id');
  }
  if (!isActionList(act)) {
    throw problem('claim "act" is not a non-empty list of distinct link actions');
  }
  if (!isApproverLabel(apr)) {
    throw problem('claim "apr" is not a valid approver label');
  }
  if (typeof jti !== 'string' || !UUID_PATTERN.test(jti)) {
    throw problem('claim "jti" is not a UUID');
  }
  if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp)) {
    throw problem('claims "iat" and "exp" must be whole numbers of seconds');
  }
  // Holders of the key can mint anything, but a signer bug must not be able to mint a link for ever.
  // The lifetime is capped from the signing time and from now: a signing time in the future (a signer
  // clock ahead is tolerated) must not stretch a link beyond the longest lifetime a signer allows.
  const lifetime = (exp as number) - (iat as number);
  if (lifetime <= 0 || lifetime > MAX_LINK_TTL_SECONDS) {
    throw problem('claims "iat" and "exp" do not give a lifetime the signer allows');
  }
  if ((exp as number) - epochSeconds(now) > MAX_LINK_TTL_SECONDS + LINK_CLOCK_TOLERANCE_SECONDS) {
    throw problem('claim "exp" is further from now than the longest lifetime a signer allows');
  }
  let gate: GateRef | undefined;
  if (gat !== undefined) {
    const raw = gat as { n?: unknown; id?: unknown } | null;
    const candidate = { stepName: raw?.n, stepExecutionId: raw?.id };
    if (typeof raw !== 'object' || raw === null || Object.keys(raw).length !== 2 || !isGateRef(candidate)) {
      throw problem('claim "gat" is not a gate ({ n: step name, id: step execution id })');
    }
    gate = candidate;
  }
  if (chn !== undefined && !LINK_CHANNELS.includes(chn as LinkChannel)) {
    throw problem('claim "chn" is not a known channel');
  }
  return {
    ...(gate === undefined ? {} : { gate }),
    ...(chn === undefined ? {} : { channel: chn as LinkChannel }),
    executionId: sub,
    actions: act,
    approver: apr,
    expiresAt: new Date((exp as number) * 1000),
    issuedAt: new Date((iat as number) * 1000),
    tokenId: jti,
    keyId: header.kid as string,
  };
}

/**
 * Checks that verified claims allow this action on this execution, to show its confirmation page:
 * ForbiddenError `link-wrong-execution` or `link-wrong-action` otherwise. Acting needs authorizeLink.
 */
export function authorizeLinkView(claims: LinkClaims, executionId: string, action: MutatingAction): void {
  if (claims.executionId !== executionId) {
    throw new ForbiddenError('link-wrong-execution', 'The link is for a different execution.');
  }
  if (action === 'signal') {
    throw new ForbiddenError(
      'link-wrong-action',
      'A signed link cannot send arbitrary signals; use an API token for this route.',
    );
  }
  if (!claims.actions.includes(action)) {
    throw new ForbiddenError('link-wrong-action', `The link does not allow the action "${action}".`);
  }
}

/**
 * Checks that verified claims allow carrying out this action on this execution: as authorizeLinkView,
 * and a link that came with a Slack message (channel `slack`) never acts → ForbiddenError
 * `slack-link-view-only`. Anyone in the channel sees that message's Details link; only its buttons,
 * which check who clicks, decide.
 */
export function authorizeLink(claims: LinkClaims, executionId: string, action: MutatingAction): void {
  authorizeLinkView(claims, executionId, action);
  if (claims.channel === 'slack') {
    throw new ForbiddenError(
      'slack-link-view-only',
      "This link came with a Slack message and only shows the details. Decide with the message's buttons in Slack, where your Slack user is checked against the runbook's approvers.",
    );
  }
}
