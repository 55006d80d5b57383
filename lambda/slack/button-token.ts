/**
 * The value of an approve or reject button in a Slack message: a compact JWS (HS256) made and checked by
 * `jose` with the link key ring (`linkKey.<kid>`, signed with the active key), like links, but never
 * usable as one.
 *
 * Header: `{ alg: 'HS256', kid, typ: 'ssm-approval-slack-button+jwt' }`. Claims: `v` (format version, 1),
 * `sub` (execution id), `rbk` (the runbook: the execution's `DocumentName`), `gat` (the gate:
 * `{ "n": step name, "id": step execution id }`), `act` (`approve` or `reject`), `stm` (the Slack team id)
 * and `sch` (the channel id) the message was posted to, `iat`, `exp`, `jti` (random UUID, for the audit
 * log), `iss` as links and an `aud` of its own. Links check `typ` and `aud`, and so does this module, so a
 * button value is refused as a link and a link as a button value.
 *
 * Why `rbk`: who may decide from Slack is a routing rule chosen by runbook name. The interactions function
 * must answer Slack within 3 seconds, so it takes the runbook from the value we signed when we posted the
 * message instead of reading the execution from SSM first. It can trust it as far as it trusts the rest of
 * the value: only the notifier, holding the link key, makes values, from what SSM reported. The decision
 * itself still reads the execution (the gate check) before it signals.
 *
 * The value is not the credential: anyone in the channel can click. It tells which decision the click
 * means and that we made the button for that channel; the clicker's Slack user id, checked against the
 * gate's rule, decides whether the click counts (DESIGN.md §3). Binding team and channel means a value
 * copied into another channel or workspace where our app also lives is refused (`slack-button-wrong-channel`).
 */
import type { JWTHeaderParameters, JWTPayload } from 'jose';
import {
  epochSeconds,
  type JwsKind,
  KeyRingJwsError,
  signWithKeyRing,
  verifyWithKeyRing,
} from '../auth/key-ring-jws';
import {
  type GateRef,
  isExecutionId,
  isGateRef,
  LINK_CLOCK_TOLERANCE_SECONDS,
  MAX_LINK_TTL_SECONDS,
  MIN_LINK_TTL_SECONDS,
} from '../auth/link-token';
import type { AuthConfig } from '../auth/secret-document';
import { AuthenticationError, ForbiddenError, ValidationError } from '../core/errors';
import { isSlackId } from './fields';

export const BUTTON_ACTIONS = ['approve', 'reject'] as const;
export type ButtonAction = (typeof BUTTON_ACTIONS)[number];

export const BUTTON_TOKEN_TYPE = 'ssm-approval-slack-button+jwt';
export const BUTTON_TOKEN_AUDIENCE = 'ssm-approval-webhook/slack-button';
export const BUTTON_TOKEN_VERSION = 1;
/** Slack refuses a button whose value is longer (Block Kit button element, `value`). */
export const MAX_BUTTON_VALUE_LENGTH = 2000;
/** Lifetimes as for links: from a minute to 30 days. */
export const MIN_BUTTON_TTL_SECONDS = MIN_LINK_TTL_SECONDS;
export const MAX_BUTTON_TTL_SECONDS = MAX_LINK_TTL_SECONDS;

const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * A runbook as an execution names it. SSM's model gives `AutomationExecution.DocumentName` the pattern
 * `^[a-zA-Z0-9_\-.]{3,128}$` (shape DocumentName), but StartAutomationExecution takes a shared document
 * by ARN (shape DocumentARN, `^[a-zA-Z0-9_\-.:/]{3,128}$`), and an output pattern is not enforced on
 * what SSM returns: we take the wider input pattern so that a run of a shared runbook still gets buttons.
 */
export const RUNBOOK_NAME_PATTERN = /^[a-zA-Z0-9_\-.:/]{3,128}$/;
export const isRunbookName = (value: unknown): value is string =>
  typeof value === 'string' && RUNBOOK_NAME_PATTERN.test(value);

const BUTTON_KIND: JwsKind = {
  typ: BUTTON_TOKEN_TYPE,
  audience: BUTTON_TOKEN_AUDIENCE,
  maxLength: MAX_BUTTON_VALUE_LENGTH,
  noun: 'value',
};

/** Where a button was posted. */
export interface SlackPlace {
  readonly teamId: string;
  readonly channelId: string;
}

export interface SignButtonInput extends SlackPlace {
  readonly executionId: string;
  /** The execution's runbook (`DocumentName`), which picks the routing rule that says who may decide. */
  readonly runbook: string;
  readonly gate: GateRef;
  readonly action: ButtonAction;
  readonly ttlSeconds: number;
  readonly now?: Date;
}

export interface ButtonClaims extends SlackPlace {
  readonly executionId: string;
  /** The execution's runbook (`DocumentName`) when the message was posted. */
  readonly runbook: string;
  readonly gate: GateRef;
  readonly action: ButtonAction;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  /** The `jti`: one id per button, for the audit log. */
  readonly tokenId: string;
  /** The `kid` of the key that verified the value. */
  readonly keyId: string;
}

const isButtonAction = (value: unknown): value is ButtonAction =>
  BUTTON_ACTIONS.includes(value as ButtonAction);

/**
 * Signs a button value with the active link key. Input errors are ValidationErrors (the caller's
 * mistake); a value that would not fit Slack's 2000 characters is a ValidationError too (it cannot
 * happen with valid input: the longest is 1125 characters, see the test).
 */
export async function signButtonValue(config: AuthConfig, input: SignButtonInput): Promise<string> {
  if (!isExecutionId(input.executionId)) {
    throw new ValidationError('invalid-execution-id', 'The execution id must be a UUID (36 characters)');
  }
  if (!isRunbookName(input.runbook)) {
    throw new ValidationError(
      'invalid-runbook',
      'The runbook must be an SSM document name or ARN (3 to 128 letters, digits and _ - . : /)',
    );
  }
  if (!isGateRef(input.gate)) {
    throw new ValidationError(
      'invalid-gate',
      'The gate must name a step (letters, digits, _ . -) and its step execution id',
    );
  }
  if (!isButtonAction(input.action)) {
    throw new ValidationError(
      'invalid-button-action',
      `The action must be one of: ${BUTTON_ACTIONS.join(', ')}`,
    );
  }
  if (!isSlackId(input.teamId) || !isSlackId(input.channelId)) {
    throw new ValidationError('invalid-slack-place', 'The team id and channel id must be Slack ids');
  }
  const { ttlSeconds } = input;
  if (
    !Number.isInteger(ttlSeconds) ||
    ttlSeconds < MIN_BUTTON_TTL_SECONDS ||
    ttlSeconds > MAX_BUTTON_TTL_SECONDS
  ) {
    throw new ValidationError(
      'invalid-button-ttl',
      `The button lifetime must be a whole number of seconds from ${MIN_BUTTON_TTL_SECONDS} to ${MAX_BUTTON_TTL_SECONDS}`,
    );
  }
  const value = await signWithKeyRing(config, BUTTON_KIND, {
    subject: input.executionId,
    claims: {
      v: BUTTON_TOKEN_VERSION,
      rbk: input.runbook,
      gat: { n: input.gate.stepName, id: input.gate.stepExecutionId },
      act: input.action,
      stm: input.teamId,
      sch: input.channelId,
    },
    ttlSeconds,
    ...(input.now ? { now: input.now } : {}),
  });
  if (value.length > MAX_BUTTON_VALUE_LENGTH) {
    throw new ValidationError(
      'button-value-too-long',
      `The button value would be ${value.length} characters; Slack takes at most ${MAX_BUTTON_VALUE_LENGTH}`,
    );
  }
  return value;
}

const invalidButton = (cause: unknown): AuthenticationError =>
  new AuthenticationError('invalid-slack-button', 'This button is not valid.', { cause });

/**
 * Verifies a button value from a `block_actions` payload and that it was made for the team and channel
 * the click came from (`payload.team.id`, `payload.channel.id`). Returns the claims; throws:
 * - AuthenticationError `invalid-slack-button` (bad signature, not a button value, malformed claims) or
 *   `unknown-key-id` (signed with a retired key);
 * - ForbiddenError `slack-button-expired`, or `slack-button-wrong-channel` (replayed from another channel
 *   or workspace).
 * Why a value is invalid is kept in `cause` for the log, never in the detail.
 */
export async function verifyButtonValue(
  config: AuthConfig,
  value: string,
  place: SlackPlace,
  now: Date = new Date(),
): Promise<ButtonClaims> {
  let verified: Awaited<ReturnType<typeof verifyWithKeyRing>>;
  try {
    verified = await verifyWithKeyRing(config, BUTTON_KIND, value, now);
  } catch (error) {
    if (!(error instanceof KeyRingJwsError)) throw error;
    if (error.failure === 'expired') {
      throw new ForbiddenError(
        'slack-button-expired',
        'This button has expired; the approval can no longer be decided from this message.',
        { cause: error.cause },
      );
    }
    if (error.failure === 'unknown-key') {
      throw new AuthenticationError(
        'unknown-key-id',
        'This button was signed with a key that is no longer accepted.',
        { cause: error.cause },
      );
    }
    throw invalidButton(error.cause);
  }
  const { payload, header } = verified;
  const claims = claimsFrom(payload, header, now);
  if (claims.teamId !== place.teamId || claims.channelId !== place.channelId) {
    throw new ForbiddenError(
      'slack-button-wrong-channel',
      'This button was not posted in this channel; use the message the approval was posted with.',
      {
        cause: new Error(
          claims.teamId !== place.teamId
            ? 'the button was made for another Slack workspace'
            : 'the button was made for another channel',
        ),
      },
    );
  }
  return claims;
}

/** jose checked signature, typ, iss, aud and exp; this checks our own claims, strictly. */
function claimsFrom(payload: JWTPayload, header: JWTHeaderParameters, now: Date): ButtonClaims {
  const problem = (text: string): AuthenticationError => invalidButton(new Error(text));
  const { v, sub, rbk, gat, act, stm, sch, iat, exp, jti } = payload;
  if (v !== BUTTON_TOKEN_VERSION) {
    throw problem(`claim "v" is not ${BUTTON_TOKEN_VERSION}`);
  }
  if (!isExecutionId(sub)) {
    throw problem('claim "sub" is not an execution id');
  }
  if (!isRunbookName(rbk)) {
    throw problem('claim "rbk" is not a runbook name');
  }
  const raw = gat as { n?: unknown; id?: unknown } | null | undefined;
  const gate = { stepName: raw?.n, stepExecutionId: raw?.id };
  if (typeof raw !== 'object' || raw === null || Object.keys(raw).length !== 2 || !isGateRef(gate)) {
    throw problem('claim "gat" is not a gate ({ n: step name, id: step execution id })');
  }
  if (!isButtonAction(act)) {
    throw problem('claim "act" is not a button action');
  }
  if (!isSlackId(stm) || !isSlackId(sch)) {
    throw problem('claims "stm" and "sch" are not Slack ids');
  }
  if (typeof jti !== 'string' || !UUID_PATTERN.test(jti)) {
    throw problem('claim "jti" is not a UUID');
  }
  if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp)) {
    throw problem('claims "iat" and "exp" must be whole numbers of seconds');
  }
  // As for links: a signer bug must not be able to make a button that works for ever.
  const lifetime = (exp as number) - (iat as number);
  if (lifetime <= 0 || lifetime > MAX_BUTTON_TTL_SECONDS) {
    throw problem('claims "iat" and "exp" do not give a lifetime the signer allows');
  }
  if ((exp as number) - epochSeconds(now) > MAX_BUTTON_TTL_SECONDS + LINK_CLOCK_TOLERANCE_SECONDS) {
    throw problem('claim "exp" is further from now than the longest lifetime a signer allows');
  }
  return {
    executionId: sub,
    runbook: rbk,
    gate,
    action: act,
    teamId: stm,
    channelId: sch,
    issuedAt: new Date((iat as number) * 1000),
    expiresAt: new Date((exp as number) * 1000),
    tokenId: jti,
    keyId: header.kid as string,
  };
}
