/**
 * Pure request validation: raw path parameters and parsed bodies in, typed requests out.
 * Every failure is a ValidationError whose detail names the field and what is wrong with it.
 */
import { ValidationError } from './errors';

/** SSM's AutomationExecutionId is exactly 36 characters; we accept only the UUID form of it. */
const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** SSM's AutomationParameterValue: 1 to 512 characters. */
export const MAX_PAYLOAD_VALUE_LENGTH = 512;

export const SIGNAL_TYPES = ['Approve', 'Reject', 'StartStep', 'StopStep', 'Resume'] as const;
export type SignalType = (typeof SIGNAL_TYPES)[number];

export const STOP_TYPES = ['Cancel', 'Complete'] as const;
export type StopType = (typeof STOP_TYPES)[number];

/** The payload key each signal type takes, and whether it is required (SendAutomationSignal docs). */
const SIGNAL_PAYLOAD_KEYS: Readonly<Record<SignalType, { key: string; required: boolean }>> = {
  Approve: { key: 'Comment', required: false },
  Reject: { key: 'Comment', required: false },
  StartStep: { key: 'StepName', required: true },
  Resume: { key: 'StepName', required: true },
  StopStep: { key: 'StepExecutionId', required: true },
};

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

/** Body fields that carry credentials rather than request data (see the authenticate middleware). */
export const CREDENTIAL_FIELDS: readonly string[] = ['token'];

export const parseExecutionId = (raw: unknown): string => {
  if (typeof raw !== 'string' || raw.length === 0) {
    throw new ValidationError('invalid-execution-id', 'The execution id is missing from the path.');
  }
  if (raw.length !== 36 || !UUID_PATTERN.test(raw)) {
    throw new ValidationError(
      'invalid-execution-id',
      'The execution id must be an SSM Automation execution id: a UUID of 36 characters.',
    );
  }
  return raw;
};

const rejectUnknownFields = (body: Record<string, unknown>, allowed: readonly string[]): void => {
  const unknown = Object.keys(body).filter(
    (key) => !allowed.includes(key) && !CREDENTIAL_FIELDS.includes(key),
  );
  if (unknown.length > 0) {
    throw new ValidationError(
      'unknown-field',
      `Unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; allowed: ${
        allowed.length > 0 ? allowed.map((k) => `'${k}'`).join(', ') : 'none'
      }.`,
    );
  }
};

/** Trims a payload value; an empty value means "none" unless it is required. */
const parsePayloadValue = (field: string, raw: unknown, required: boolean): string | undefined => {
  if (raw === undefined || raw === null) {
    if (required) throw new ValidationError('missing-field', `'${field}' is required.`);
    return undefined;
  }
  if (typeof raw !== 'string') {
    throw new ValidationError('invalid-field', `'${field}' must be a string.`);
  }
  const value = raw.trim();
  if (value.length === 0) {
    if (required) throw new ValidationError('missing-field', `'${field}' is required and must not be empty.`);
    return undefined;
  }
  if (value.length > MAX_PAYLOAD_VALUE_LENGTH) {
    throw new ValidationError(
      'field-too-long',
      `'${field}' is ${value.length} characters long; SSM takes at most ${MAX_PAYLOAD_VALUE_LENGTH}.`,
    );
  }
  return value;
};

/** Body of approve and reject: `{"comment"?: string}`. */
export const parseDecisionBody = (body: Record<string, unknown>): DecisionRequest => {
  rejectUnknownFields(body, ['comment']);
  const comment = parsePayloadValue('comment', body.comment, false);
  return comment === undefined ? {} : { comment };
};

/** Body of stop: `{"type"?: "Cancel" | "Complete"}`, Cancel by default (as SSM's own default). */
export const parseStopBody = (body: Record<string, unknown>): StopRequest => {
  rejectUnknownFields(body, ['type']);
  const type = body.type ?? 'Cancel';
  if (typeof type !== 'string' || !(STOP_TYPES as readonly string[]).includes(type)) {
    throw new ValidationError('invalid-stop-type', `'type' must be one of ${STOP_TYPES.join(', ')}.`);
  }
  return { type: type as StopType };
};

/**
 * Body of signal: `{"signalType": ..., "payload"?: {...}}`. The payload takes exactly the key its signal
 * type documents (Comment, StepName or StepExecutionId), as a string or a one-element list of strings.
 */
export const parseSignalBody = (body: Record<string, unknown>): SignalRequest => {
  rejectUnknownFields(body, ['signalType', 'payload']);
  const { signalType } = body;
  if (signalType === undefined || signalType === null || signalType === '') {
    throw new ValidationError(
      'missing-field',
      `'signalType' is required: one of ${SIGNAL_TYPES.join(', ')}.`,
    );
  }
  if (signalType === 'Revoke') {
    // Newer SSM references list Revoke without documenting what it does: refuse it until they do.
    throw new ValidationError(
      'unsupported-signal-type',
      "'signalType' Revoke is not supported: SSM does not document its effect.",
    );
  }
  if (typeof signalType !== 'string' || !(SIGNAL_TYPES as readonly string[]).includes(signalType)) {
    throw new ValidationError(
      'invalid-signal-type',
      `'signalType' must be one of ${SIGNAL_TYPES.join(', ')}.`,
    );
  }
  const type = signalType as SignalType;
  const { key, required } = SIGNAL_PAYLOAD_KEYS[type];
  const payload = body.payload ?? {};
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new ValidationError('invalid-field', `'payload' must be an object, e.g. {"${key}": "..."}.`);
  }
  const entries = payload as Record<string, unknown>;
  const extra = Object.keys(entries).filter((k) => k !== key);
  if (extra.length > 0) {
    throw new ValidationError(
      'unknown-field',
      `A ${type} signal's payload takes only '${key}'; unknown: ${extra.map((k) => `'${k}'`).join(', ')}.`,
    );
  }
  const raw = entries[key];
  const single = Array.isArray(raw) ? unwrapSingle(`payload.${key}`, raw) : raw;
  const value = parsePayloadValue(`payload.${key}`, single, required);
  return value === undefined ? { signalType: type } : { signalType: type, payload: { key, value } };
};

const unwrapSingle = (field: string, list: unknown[]): unknown => {
  if (list.length > 1)
    throw new ValidationError('invalid-field', `'${field}' takes one value, not ${list.length}.`);
  return list[0];
};
