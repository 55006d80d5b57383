/**
 * The request schemas, as JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1): the one description of
 * what each route takes. lambda/core/validation.ts validates requests with exactly these objects and
 * lambda/openapi/document.ts publishes exactly these objects, so the API's description and its checks
 * cannot drift apart.
 *
 * Written as plain JSON Schema rather than through a builder: what is reviewed here is what clients read
 * in docs/openapi.json, keyword for keyword.
 *
 * Three things are not JSON Schema and stay in code (validation.ts says where): text values are trimmed
 * before their lengths are checked, `null` means "not given", and Revoke gets its own refusal.
 */
import { LINK_ACTIONS } from '../auth/link-token';
import { SLACK_SIGNATURE_HEADER, SLACK_TIMESTAMP_HEADER } from '../slack/request-signature';

/** A JSON Schema object. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** SSM's AutomationParameterValue: 1 to 512 characters. */
export const MAX_PAYLOAD_VALUE_LENGTH = 512;

export const SIGNAL_TYPES = ['Approve', 'Reject', 'StartStep', 'StopStep', 'Resume'] as const;
export type SignalType = (typeof SIGNAL_TYPES)[number];

export const STOP_TYPES = ['Cancel', 'Complete'] as const;
export type StopType = (typeof STOP_TYPES)[number];

/** The payload key each signal type takes, and whether it is required (SendAutomationSignal docs). */
export const SIGNAL_PAYLOAD_KEYS: Readonly<Record<SignalType, { key: string; required: boolean }>> = {
  Approve: { key: 'Comment', required: false },
  Reject: { key: 'Comment', required: false },
  StartStep: { key: 'StepName', required: true },
  Resume: { key: 'StepName', required: true },
  StopStep: { key: 'StepExecutionId', required: true },
};

/** Body fields that carry credentials rather than request data (see the authenticate middleware). */
export const CREDENTIAL_FIELDS: readonly string[] = ['token'];

/** SSM's AutomationExecutionId is exactly 36 characters; we accept only the UUID form of it. */
export const EXECUTION_ID_PATTERN =
  '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

export const EXECUTION_ID_SCHEMA: JsonSchema = {
  type: 'string',
  description: 'The SSM Automation execution id (AutomationExecutionId): a UUID of 36 characters.',
  minLength: 36,
  maxLength: 36,
  pattern: EXECUTION_ID_PATTERN,
  examples: ['3f1c6a52-9d7e-4a51-8f0e-2b8c1d0e4a77'],
};

/** The `{action}` of a link's confirmation page: the actions a signed link can grant (as the page checks). */
export const LINK_ACTION_SCHEMA: JsonSchema = {
  type: 'string',
  description: 'The action the link was made for.',
  enum: [...LINK_ACTIONS],
};

/** Trimming is not JSON Schema: the limits below apply to the value after surrounding whitespace is cut. */
const TRIMMED = 'Surrounding whitespace is trimmed before the length is checked';

export const LINK_TOKEN_SCHEMA: JsonSchema = {
  type: 'string',
  minLength: 1,
  description:
    'The signed link token (a compact JWS) from an approval link; the confirmation page posts it back in this field.',
};

/**
 * The confirmation page's query: the signed link it was opened with. A missing token is a credential
 * problem (401 with WWW-Authenticate, lambda/handlers/confirm.ts), not a malformed request, so the page
 * checks it itself rather than through a 400 from this schema.
 */
export const CONFIRM_QUERY_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['token'],
  properties: { token: LINK_TOKEN_SCHEMA },
};

/** Body of approve and reject: `{"comment"?: string}`, plus the link token when a link's page posts it. */
export const DECISION_BODY_SCHEMA: JsonSchema = {
  type: 'object',
  description:
    "A decision. Its `Comment` in SSM's record names who decided and through which channel, then this comment.",
  additionalProperties: false,
  properties: {
    comment: {
      type: ['string', 'null'],
      maxLength: MAX_PAYLOAD_VALUE_LENGTH,
      description: `Why; optional. ${TRIMMED}; empty or null means none. The identity prefix comes first and a long comment is shortened to fit SSM's ${MAX_PAYLOAD_VALUE_LENGTH} characters.`,
    },
    token: LINK_TOKEN_SCHEMA,
  },
};

/** Body of stop: `{"type"?: "Cancel" | "Complete"}`, Cancel by default (as SSM's own default). */
export const STOP_BODY_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    type: {
      type: 'string',
      enum: [...STOP_TYPES],
      default: 'Cancel',
      description:
        'How to stop (StopAutomationExecution Type). Only API clients whose scope has `complete` may send Complete; a stop link always cancels and may not send this field.',
    },
    token: LINK_TOKEN_SCHEMA,
  },
};

/**
 * One payload entry: a string or a list of one string (SSM's payload values are lists). JSON Schema applies
 * `minLength`/`maxLength` to strings only and `minItems`/`maxItems`/`items` to arrays only, so one flat
 * schema says both.
 */
const payloadEntry = (required: boolean): JsonSchema => {
  const text: JsonSchema = {
    type: required ? 'string' : ['string', 'null'],
    ...(required ? { minLength: 1 } : {}),
    maxLength: MAX_PAYLOAD_VALUE_LENGTH,
  };
  return {
    type: required ? ['string', 'array'] : ['string', 'array', 'null'],
    description: `${required ? 'Required' : 'Optional'}: a string or a list of one string. ${TRIMMED}.`,
    ...(required ? { minLength: 1, minItems: 1 } : {}),
    maxLength: MAX_PAYLOAD_VALUE_LENGTH,
    maxItems: 1,
    items: text,
  };
};

/** One signal type's body: the payload takes exactly the key SendAutomationSignal documents for it. */
const signalVariant = (type: SignalType): JsonSchema => {
  const { key, required } = SIGNAL_PAYLOAD_KEYS[type];
  return {
    title: type,
    required: required ? ['signalType', 'payload'] : ['signalType'],
    properties: {
      signalType: { const: type },
      payload: {
        type: 'object',
        additionalProperties: false,
        ...(required ? { required: [key] } : {}),
        properties: { [key]: payloadEntry(required) },
      },
    },
  };
};

/**
 * Body of signal: `{"signalType", "payload"?}`. The `discriminator` (OpenAPI's, which ajv understands)
 * picks the one variant by `signalType`, so a refusal speaks about that variant only.
 */
export const SIGNAL_BODY_SCHEMA: JsonSchema = {
  type: 'object',
  description:
    'Any SSM signal (API clients only). The payload takes exactly the key its type documents: Approve and Reject an optional Comment, StartStep and Resume a StepName, StopStep a StepExecutionId. Revoke is refused: SSM does not document its effect. An Approve or Reject Comment is recorded after who sent it, as for approve and reject.',
  required: ['signalType'],
  additionalProperties: false,
  properties: {
    signalType: { type: 'string', enum: [...SIGNAL_TYPES] },
    payload: { type: 'object' },
  },
  discriminator: { propertyName: 'signalType' },
  oneOf: SIGNAL_TYPES.map(signalVariant),
};

/**
 * The form Slack posts to the interactivity Request URL (signed: see the Slack headers). Published only:
 * the signature must be checked over the raw bytes before anything is parsed, and lambda/slack/payload.ts
 * then checks Slack's JSON field by field.
 */
export const SLACK_INTERACTION_FORM_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['payload'],
  properties: {
    payload: {
      type: 'string',
      contentMediaType: 'application/json',
      description:
        "Slack's interaction payload as JSON: a `block_actions` payload (a button of a posted approval message) or a `view_submission` (the comment modal). Other payloads are refused.",
    },
  },
};

export const SLACK_SIGNATURE_HEADER_SCHEMA: JsonSchema = {
  type: 'string',
  description: `\`v0=\` and the hex HMAC-SHA256, keyed by the Slack app's signing secret, of \`v0:<${SLACK_TIMESTAMP_HEADER}>:<raw body>\`. Checked over the body's exact bytes before anything is parsed.`,
  examples: ['v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503'],
};

export const SLACK_TIMESTAMP_HEADER_SCHEMA: JsonSchema = {
  type: 'string',
  description: `Unix seconds when Slack sent the request; more than five minutes from the webhook's clock is refused (replay). Signed together with the body (see ${SLACK_SIGNATURE_HEADER}).`,
  examples: ['1531420618'],
};
