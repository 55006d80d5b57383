/**
 * Pure request validation: raw path parameters and parsed bodies in, typed requests out.
 * Every failure is a ValidationError whose detail names the field and what is wrong with it.
 *
 * The checks are the JSON Schemas of ./schemas.ts (the same objects docs/openapi.json publishes), compiled
 * once per execution environment by ajv, the most used JSON Schema validator for JavaScript, which reads
 * draft 2020-12 and OpenAPI's `discriminator`. What JSON Schema cannot say stays in code here, marked so:
 * text values are trimmed before their limits apply, `null` means "not given", and Revoke has a refusal of
 * its own. String lengths are counted as JSON Schema counts them (code points; the same as before for
 * anything but characters outside the Basic Multilingual Plane).
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { ValidationError } from './errors';
import {
  CREDENTIAL_FIELDS,
  DECISION_BODY_SCHEMA,
  EXECUTION_ID_SCHEMA,
  type JsonSchema,
  MAX_PAYLOAD_VALUE_LENGTH,
  SIGNAL_BODY_SCHEMA,
  SIGNAL_PAYLOAD_KEYS,
  SIGNAL_TYPES,
  type SignalType,
  STOP_BODY_SCHEMA,
  STOP_TYPES,
  type StopType,
} from './schemas';

export {
  CREDENTIAL_FIELDS,
  MAX_PAYLOAD_VALUE_LENGTH,
  SIGNAL_TYPES,
  type SignalType,
  STOP_TYPES,
  type StopType,
} from './schemas';

export interface DecisionRequest {
  readonly comment?: string;
}

export interface StopRequest {
  readonly type: StopType;
}

export interface SignalRequest {
  readonly signalType: SignalType;
  /** The one payload entry the signal type takes, already validated. */
  readonly payload?: { readonly key: string; readonly value: string };
}

/**
 * Every error, not only the first: a body can be wrong in several ways, and the caller is told about the
 * one the webhook has always named first (see {@link firstError}). Strict mode refuses a schema with an
 * unknown keyword, so a typo in schemas.ts fails at load, not silently.
 */
const ajv = new Ajv2020({ allErrors: true, discriminator: true, strict: true, allowUnionTypes: true });

/** A compiled schema; a plain boolean test, so a refused body keeps its type for the error mapping. */
type Validator = ((data: unknown) => boolean) & Pick<ValidateFunction, 'errors'>;

const compile = (schema: JsonSchema): Validator => ajv.compile(schema);

const validExecutionId = compile(EXECUTION_ID_SCHEMA);
const validDecisionBody = compile(DECISION_BODY_SCHEMA);
const validStopBody = compile(STOP_BODY_SCHEMA);
const validSignalBody = compile(SIGNAL_BODY_SCHEMA);

/** The order in which problems of one field are named: unknown fields, then missing, then malformed. */
const KEYWORD_ORDER = [
  'additionalProperties',
  'required',
  'discriminator',
  'type',
  'const',
  'enum',
  'maxItems',
  'minItems',
  'minLength',
  'maxLength',
];

const depth = (error: ErrorObject): number => error.instancePath.split('/').length;
const keywordRank = (error: ErrorObject): number => {
  const rank = KEYWORD_ORDER.indexOf(error.keyword);
  return rank === -1 ? KEYWORD_ORDER.length : rank;
};

/**
 * The error the caller hears: the outermost field first (the body before a field of it, a field before
 * its list items), and within a field in {@link KEYWORD_ORDER}. This is the order the hand-written checks
 * always had, so each body is refused with the same words as before.
 */
const firstError = (errors: readonly ErrorObject[]): ErrorObject => {
  const sorted = [...errors].sort((a, b) => depth(a) - depth(b) || keywordRank(a) - keywordRank(b));
  return sorted[0] as ErrorObject;
};

/** The value at a JSON pointer (`/payload/StepName/0`) of the validated data. */
const valueAt = (data: unknown, pointer: string): unknown =>
  pointer
    .split('/')
    .slice(1)
    .reduce<unknown>(
      (node, token) =>
        typeof node === 'object' && node !== null
          ? (node as Record<string, unknown>)[token.replace(/~1/g, '/').replace(/~0/g, '~')]
          : undefined,
      data,
    );

/** The field an error is about, as the caller wrote it: `payload.StepName` (a list item is its field). */
const fieldOf = (error: ErrorObject): string => {
  const path =
    error.keyword === 'required'
      ? `${error.instancePath}/${(error.params as { missingProperty: string }).missingProperty}`
      : error.instancePath;
  return path
    .split('/')
    .slice(1)
    .filter((token) => !/^\d+$/.test(token))
    .join('.');
};

const quoted = (keys: readonly string[]): string => keys.map((k) => `'${k}'`).join(', ');

const unknownFields = (body: Record<string, unknown>, schema: JsonSchema): ValidationError => {
  const declared = declaredKeys(schema);
  const allowed = declared.filter((key) => !CREDENTIAL_FIELDS.includes(key));
  const unknown = Object.keys(body).filter((key) => !declared.includes(key));
  return new ValidationError(
    'unknown-field',
    `Unknown field${unknown.length > 1 ? 's' : ''} ${quoted(unknown)}; allowed: ${
      allowed.length > 0 ? quoted(allowed) : 'none'
    }.`,
  );
};

/** A text field (a comment or a payload value, or an item of its list) that the schema refused. */
const textFieldRefusal = (error: ErrorObject, data: unknown): ValidationError => {
  const field = fieldOf(error);
  switch (error.keyword) {
    case 'required':
    case 'minItems':
      return new ValidationError('missing-field', `'${field}' is required.`);
    case 'minLength':
      return new ValidationError('missing-field', `'${field}' is required and must not be empty.`);
    case 'maxItems':
      return new ValidationError(
        'invalid-field',
        `'${field}' takes one value, not ${(valueAt(data, error.instancePath) as unknown[]).length}.`,
      );
    case 'maxLength':
      return new ValidationError(
        'field-too-long',
        `'${field}' is ${[...(valueAt(data, error.instancePath) as string)].length} characters long; SSM takes at most ${MAX_PAYLOAD_VALUE_LENGTH}.`,
      );
    default:
      return new ValidationError('invalid-field', `'${field}' must be a string.`);
  }
};

/** A refusal the mappings below do not expect (a schema changed without them): still a clear 400. */
const schemaRefusal = (error: ErrorObject): ValidationError =>
  new ValidationError('invalid-field', `'${fieldOf(error) || 'body'}' ${error.message ?? 'is not valid'}.`);

/**
 * Not JSON Schema, so done here before validating: `null` means "not given" (as `?? default` always did),
 * also as the one item of a list, and text values are trimmed, so their limits count what is kept. Only
 * the schema's own keys are touched (`nullable`, `texts`): an unknown key is refused whatever its value.
 */
const normalized = (
  body: Record<string, unknown>,
  nullable: readonly string[],
  texts: readonly string[] = [],
): Record<string, unknown> => {
  const trim = (value: unknown): unknown => (typeof value === 'string' ? value.trim() : value);
  const text = (value: unknown): unknown =>
    !Array.isArray(value) ? trim(value) : value.length === 1 && value[0] === null ? [] : value.map(trim);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === null && nullable.includes(key)) continue;
    out[key] = texts.includes(key) ? text(value) : value;
  }
  return out;
};

const declaredKeys = (schema: JsonSchema): string[] => Object.keys(schema.properties as object);

/** A text value that passed its schema: a string or a list of at most one; empty means none. */
const textValue = (value: unknown): string | undefined => {
  const single = Array.isArray(value) ? value[0] : value;
  return typeof single === 'string' && single.length > 0 ? single : undefined;
};

export const parseExecutionId = (raw: unknown): string => {
  if (validExecutionId(raw)) return raw as string;
  // Not a schema matter: which words to use depends on whether anything was given at all.
  if (typeof raw !== 'string' || raw.length === 0) {
    throw new ValidationError('invalid-execution-id', 'The execution id is missing from the path.');
  }
  throw new ValidationError(
    'invalid-execution-id',
    'The execution id must be an SSM Automation execution id: a UUID of 36 characters.',
  );
};

/** Body of approve and reject: `{"comment"?: string}` (DECISION_BODY_SCHEMA). */
export const parseDecisionBody = (body: Record<string, unknown>): DecisionRequest => {
  const data = normalized(body, declaredKeys(DECISION_BODY_SCHEMA), ['comment']);
  if (!validDecisionBody(data)) {
    const error = firstError(validDecisionBody.errors ?? []);
    if (error.keyword === 'additionalProperties') throw unknownFields(body, DECISION_BODY_SCHEMA);
    if (error.instancePath === '/comment') throw textFieldRefusal(error, data);
    if (error.instancePath === '/token') {
      throw new ValidationError('invalid-field', "'token' must be a single string.");
    }
    throw schemaRefusal(error);
  }
  const comment = textValue(data.comment);
  return comment === undefined ? {} : { comment };
};

/** Body of stop: `{"type"?: "Cancel" | "Complete"}` (STOP_BODY_SCHEMA), Cancel by default (as SSM's own default). */
export const parseStopBody = (body: Record<string, unknown>): StopRequest => {
  const data = normalized(body, declaredKeys(STOP_BODY_SCHEMA));
  if (!validStopBody(data)) {
    const error = firstError(validStopBody.errors ?? []);
    if (error.keyword === 'additionalProperties') throw unknownFields(body, STOP_BODY_SCHEMA);
    if (error.instancePath === '/type') {
      throw new ValidationError('invalid-stop-type', `'type' must be one of ${STOP_TYPES.join(', ')}.`);
    }
    if (error.instancePath === '/token') {
      throw new ValidationError('invalid-field', "'token' must be a single string.");
    }
    throw schemaRefusal(error);
  }
  return { type: (data.type as StopType | undefined) ?? 'Cancel' };
};

/** Why `signalType` was refused: the words depend on what was sent, Revoke most of all (not JSON Schema). */
const signalTypeRefusal = (signalType: unknown): ValidationError => {
  if (signalType === undefined || signalType === '') {
    return new ValidationError(
      'missing-field',
      `'signalType' is required: one of ${SIGNAL_TYPES.join(', ')}.`,
    );
  }
  if (signalType === 'Revoke') {
    // Newer SSM references list Revoke without documenting what it does: refuse it until they do.
    return new ValidationError(
      'unsupported-signal-type',
      "'signalType' Revoke is not supported: SSM does not document its effect.",
    );
  }
  return new ValidationError(
    'invalid-signal-type',
    `'signalType' must be one of ${SIGNAL_TYPES.join(', ')}.`,
  );
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isAboutSignalType = (error: ErrorObject): boolean =>
  error.keyword === 'discriminator' ||
  error.instancePath === '/signalType' ||
  (error.keyword === 'required' &&
    (error.params as { missingProperty?: string }).missingProperty === 'signalType');

/**
 * Body of signal: `{"signalType": ..., "payload"?: {...}}` (SIGNAL_BODY_SCHEMA). The payload takes exactly
 * the key its signal type documents (Comment, StepName or StepExecutionId), as a string or a one-element
 * list of strings.
 */
export const parseSignalBody = (body: Record<string, unknown>): SignalRequest => {
  const data = normalized(body, declaredKeys(SIGNAL_BODY_SCHEMA));
  const known =
    typeof data.signalType === 'string' && Object.hasOwn(SIGNAL_PAYLOAD_KEYS, data.signalType)
      ? SIGNAL_PAYLOAD_KEYS[data.signalType as SignalType]
      : undefined;
  const payloadIn = data.payload;
  const payloadKeys = isObject(payloadIn) ? Object.keys(payloadIn) : [];
  if (isObject(payloadIn) && known) data.payload = normalized(payloadIn, [known.key], [known.key]);
  if (!validSignalBody(data)) {
    const error = firstError(validSignalBody.errors ?? []);
    if (error.keyword === 'additionalProperties' && error.instancePath === '') {
      throw unknownFields(body, SIGNAL_BODY_SCHEMA);
    }
    if (isAboutSignalType(error) || !known) throw signalTypeRefusal(data.signalType);
    const { key } = known;
    if (error.instancePath === '/payload' && error.keyword === 'type') {
      throw new ValidationError('invalid-field', `'payload' must be an object, e.g. {"${key}": "..."}.`);
    }
    if (error.instancePath === '/payload' && error.keyword === 'additionalProperties') {
      const extra = payloadKeys.filter((k) => k !== key);
      throw new ValidationError(
        'unknown-field',
        `A ${data.signalType} signal's payload takes only '${key}'; unknown: ${quoted(extra)}.`,
      );
    }
    // A required payload that is absent altogether: the caller is told which key it must hold.
    if (error.keyword === 'required' && error.instancePath === '') {
      throw new ValidationError('missing-field', `'payload.${key}' is required.`);
    }
    if (error.instancePath.startsWith(`/payload/${key}`) || error.instancePath === '/payload') {
      throw textFieldRefusal(error, data);
    }
    throw schemaRefusal(error);
  }
  const type = data.signalType as SignalType;
  const { key } = SIGNAL_PAYLOAD_KEYS[type];
  const value = textValue((data.payload as Record<string, unknown> | undefined)?.[key]);
  return value === undefined ? { signalType: type } : { signalType: type, payload: { key, value } };
};
