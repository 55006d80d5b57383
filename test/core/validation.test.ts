import { ValidationError } from '../../lambda/core/errors';
import {
  parseDecisionBody,
  parseExecutionId,
  parseSignalBody,
  parseStopBody,
} from '../../lambda/core/validation';

const ID = '3f1c6a52-9d7e-4a51-8f0e-2b8c1d0e4a77';

const failure = (fn: () => unknown): { reason: string; detail: string } => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return { reason: error.reason, detail: error.detail };
    throw error;
  }
  throw new Error('expected a ValidationError');
};

describe('parseExecutionId', () => {
  it('accepts a 36-character UUID as given', () => {
    expect(parseExecutionId(ID)).toBe(ID);
    expect(parseExecutionId(ID.toUpperCase())).toBe(ID.toUpperCase());
  });

  it.each([
    ['missing', undefined, 'The execution id is missing from the path.'],
    ['empty', '', 'The execution id is missing from the path.'],
    [
      'too short',
      ID.slice(0, 35),
      'The execution id must be an SSM Automation execution id: a UUID of 36 characters.',
    ],
    [
      '36 chars, not a UUID',
      'x'.repeat(36),
      'The execution id must be an SSM Automation execution id: a UUID of 36 characters.',
    ],
    [
      'UUID without dashes',
      `${ID.replace(/-/g, '')}abcd`,
      'The execution id must be an SSM Automation execution id: a UUID of 36 characters.',
    ],
  ])('refuses %s', (_name, raw, detail) => {
    expect(failure(() => parseExecutionId(raw))).toEqual({ reason: 'invalid-execution-id', detail });
  });
});

describe('parseDecisionBody', () => {
  it('takes no comment from an empty body', () => {
    expect(parseDecisionBody({})).toEqual({});
  });

  it('trims the comment, and an empty one means none', () => {
    expect(parseDecisionBody({ comment: '  looks good \n' })).toEqual({ comment: 'looks good' });
    expect(parseDecisionBody({ comment: '   ' })).toEqual({});
    expect(parseDecisionBody({ comment: null })).toEqual({});
  });

  it('keeps a comment of exactly 512 characters and refuses 513', () => {
    expect(parseDecisionBody({ comment: 'a'.repeat(512) })).toEqual({ comment: 'a'.repeat(512) });
    expect(failure(() => parseDecisionBody({ comment: 'a'.repeat(513) }))).toEqual({
      reason: 'field-too-long',
      detail: "'comment' is 513 characters long; SSM takes at most 512.",
    });
  });

  it('refuses a comment that is not a string', () => {
    expect(failure(() => parseDecisionBody({ comment: 42 }))).toEqual({
      reason: 'invalid-field',
      detail: "'comment' must be a string.",
    });
  });

  it('refuses unknown fields, naming them', () => {
    expect(failure(() => parseDecisionBody({ comment: 'x', approver: 'me', force: true }))).toEqual({
      reason: 'unknown-field',
      detail: "Unknown fields 'approver', 'force'; allowed: 'comment'.",
    });
  });

  it('lets the credential field through (the authenticate middleware removes it)', () => {
    expect(parseDecisionBody({ token: 'abc' })).toEqual({});
  });
});

describe('parseStopBody', () => {
  it('defaults to Cancel', () => {
    expect(parseStopBody({})).toEqual({ type: 'Cancel' });
  });

  it('takes Complete', () => {
    expect(parseStopBody({ type: 'Complete' })).toEqual({ type: 'Complete' });
  });

  it.each(['cancel', 'Abort', 3])('refuses type %p', (type) => {
    expect(failure(() => parseStopBody({ type }))).toEqual({
      reason: 'invalid-stop-type',
      detail: "'type' must be one of Cancel, Complete.",
    });
  });

  it('refuses unknown fields', () => {
    expect(failure(() => parseStopBody({ comment: 'x' }))).toEqual({
      reason: 'unknown-field',
      detail: "Unknown field 'comment'; allowed: 'type'.",
    });
  });
});

describe('parseSignalBody', () => {
  it('takes Approve with and without a comment', () => {
    expect(parseSignalBody({ signalType: 'Approve' })).toEqual({ signalType: 'Approve' });
    expect(parseSignalBody({ signalType: 'Reject', payload: { Comment: ' no ' } })).toEqual({
      signalType: 'Reject',
      payload: { key: 'Comment', value: 'no' },
    });
  });

  it('takes StartStep and Resume with a StepName, as a string or a one-element list', () => {
    expect(parseSignalBody({ signalType: 'StartStep', payload: { StepName: 'step1' } })).toEqual({
      signalType: 'StartStep',
      payload: { key: 'StepName', value: 'step1' },
    });
    expect(parseSignalBody({ signalType: 'Resume', payload: { StepName: ['pause'] } })).toEqual({
      signalType: 'Resume',
      payload: { key: 'StepName', value: 'pause' },
    });
  });

  it('takes StopStep with a StepExecutionId', () => {
    expect(parseSignalBody({ signalType: 'StopStep', payload: { StepExecutionId: ID } })).toEqual({
      signalType: 'StopStep',
      payload: { key: 'StepExecutionId', value: ID },
    });
  });

  it.each([
    [{}, 'missing-field', "'signalType' is required: one of Approve, Reject, StartStep, StopStep, Resume."],
    [
      { signalType: 'approve' },
      'invalid-signal-type',
      "'signalType' must be one of Approve, Reject, StartStep, StopStep, Resume.",
    ],
    [
      { signalType: 'Revoke' },
      'unsupported-signal-type',
      "'signalType' Revoke is not supported: SSM does not document its effect.",
    ],
    [{ signalType: 'StartStep' }, 'missing-field', "'payload.StepName' is required."],
    [
      { signalType: 'Resume', payload: { StepName: ' ' } },
      'missing-field',
      "'payload.StepName' is required and must not be empty.",
    ],
    [{ signalType: 'StopStep', payload: {} }, 'missing-field', "'payload.StepExecutionId' is required."],
    [
      { signalType: 'StopStep', payload: { StepName: 'x' } },
      'unknown-field',
      "A StopStep signal's payload takes only 'StepExecutionId'; unknown: 'StepName'.",
    ],
    [
      { signalType: 'Approve', payload: ['x'] },
      'invalid-field',
      `'payload' must be an object, e.g. {"Comment": "..."}.`,
    ],
    [
      { signalType: 'StartStep', payload: { StepName: ['a', 'b'] } },
      'invalid-field',
      "'payload.StepName' takes one value, not 2.",
    ],
    [
      { signalType: 'StartStep', payload: { StepName: 'a'.repeat(513) } },
      'field-too-long',
      "'payload.StepName' is 513 characters long; SSM takes at most 512.",
    ],
    [
      { signalType: 'Approve', extra: 1 },
      'unknown-field',
      "Unknown field 'extra'; allowed: 'signalType', 'payload'.",
    ],
  ])('refuses %j', (body, reason, detail) => {
    expect(failure(() => parseSignalBody(body))).toEqual({ reason, detail });
  });
});

describe('validation with the published schemas', () => {
  it.each([
    // Unknown fields are named before anything else is looked at, null-valued ones too.
    [
      parseDecisionBody,
      { comment: 42, extra: 1 },
      'unknown-field',
      "Unknown field 'extra'; allowed: 'comment'.",
    ],
    [parseDecisionBody, { extra: null }, 'unknown-field', "Unknown field 'extra'; allowed: 'comment'."],
    [parseStopBody, { type: 'Abort', why: 'x' }, 'unknown-field', "Unknown field 'why'; allowed: 'type'."],
    [
      parseSignalBody,
      { extra: 1 },
      'unknown-field',
      "Unknown field 'extra'; allowed: 'signalType', 'payload'.",
    ],
    [
      parseSignalBody,
      { signalType: 'approve', payload: 5, extra: 1 },
      'unknown-field',
      "Unknown field 'extra'; allowed: 'signalType', 'payload'.",
    ],
    // Then the signal type, before its payload.
    [
      parseSignalBody,
      { signalType: 'Revoke', payload: 5 },
      'unsupported-signal-type',
      "'signalType' Revoke is not supported: SSM does not document its effect.",
    ],
    [
      parseSignalBody,
      { signalType: null },
      'missing-field',
      "'signalType' is required: one of Approve, Reject, StartStep, StopStep, Resume.",
    ],
    [
      parseSignalBody,
      { signalType: '' },
      'missing-field',
      "'signalType' is required: one of Approve, Reject, StartStep, StopStep, Resume.",
    ],
    [
      parseSignalBody,
      { signalType: 42 },
      'invalid-signal-type',
      "'signalType' must be one of Approve, Reject, StartStep, StopStep, Resume.",
    ],
    [
      parseSignalBody,
      { signalType: 'constructor' },
      'invalid-signal-type',
      "'signalType' must be one of Approve, Reject, StartStep, StopStep, Resume.",
    ],
    // Then the payload's keys, before their values; then one value, before its length.
    [
      parseSignalBody,
      { signalType: 'StartStep', payload: { Foo: 1, Bar: null } },
      'unknown-field',
      "A StartStep signal's payload takes only 'StepName'; unknown: 'Foo', 'Bar'.",
    ],
    [
      parseSignalBody,
      { signalType: 'StartStep', payload: null },
      'missing-field',
      "'payload.StepName' is required.",
    ],
    [
      parseSignalBody,
      { signalType: 'StartStep', payload: { StepName: null } },
      'missing-field',
      "'payload.StepName' is required.",
    ],
    [
      parseSignalBody,
      { signalType: 'StartStep', payload: { StepName: [] } },
      'missing-field',
      "'payload.StepName' is required.",
    ],
    [
      parseSignalBody,
      { signalType: 'StartStep', payload: { StepName: [null] } },
      'missing-field',
      "'payload.StepName' is required.",
    ],
    [
      parseSignalBody,
      { signalType: 'StartStep', payload: { StepName: [' '] } },
      'missing-field',
      "'payload.StepName' is required and must not be empty.",
    ],
    [
      parseSignalBody,
      { signalType: 'StartStep', payload: { StepName: ['a'.repeat(600), 'b'] } },
      'invalid-field',
      "'payload.StepName' takes one value, not 2.",
    ],
    [
      parseSignalBody,
      { signalType: 'StopStep', payload: { StepExecutionId: [7] } },
      'invalid-field',
      "'payload.StepExecutionId' must be a string.",
    ],
    [
      parseSignalBody,
      { signalType: 'Approve', payload: { Comment: { text: 'x' } } },
      'invalid-field',
      "'payload.Comment' must be a string.",
    ],
    [
      parseSignalBody,
      { signalType: 'Reject', payload: { Comment: ['a'.repeat(513)] } },
      'field-too-long',
      "'payload.Comment' is 513 characters long; SSM takes at most 512.",
    ],
    [parseDecisionBody, { comment: ['ok'] }, 'invalid-field', "'comment' must be a string."],
    [parseDecisionBody, { token: 5 }, 'invalid-field', "'token' must be a single string."],
  ] as const)('%p refuses %j', (parse, body, reason, detail) => {
    expect(failure(() => (parse as (b: Record<string, unknown>) => unknown)({ ...body }))).toEqual({
      reason,
      detail,
    });
  });

  it('measures a trimmed value: padding does not count against the 512 characters', () => {
    expect(parseDecisionBody({ comment: `  ${'a'.repeat(512)}\n` })).toEqual({ comment: 'a'.repeat(512) });
    expect(
      parseSignalBody({ signalType: 'StartStep', payload: { StepName: [` ${'s'.repeat(512)} `] } }),
    ).toEqual({ signalType: 'StartStep', payload: { key: 'StepName', value: 's'.repeat(512) } });
  });

  it('takes null as not given, for the comment, the stop type, the payload and an optional value', () => {
    expect(parseDecisionBody({ comment: null, token: null })).toEqual({});
    expect(parseStopBody({ type: null })).toEqual({ type: 'Cancel' });
    expect(parseSignalBody({ signalType: 'Approve', payload: null })).toEqual({ signalType: 'Approve' });
    expect(parseSignalBody({ signalType: 'Reject', payload: { Comment: [null] } })).toEqual({
      signalType: 'Reject',
    });
    expect(parseSignalBody({ signalType: 'Reject', payload: { Comment: [] } })).toEqual({
      signalType: 'Reject',
    });
  });

  it('does not trim the stop type or the signal type: they are names, not text', () => {
    expect(failure(() => parseStopBody({ type: ' Cancel' }))).toEqual({
      reason: 'invalid-stop-type',
      detail: "'type' must be one of Cancel, Complete.",
    });
    expect(failure(() => parseSignalBody({ signalType: 'Approve ' })).reason).toBe('invalid-signal-type');
  });

  it('counts length as JSON Schema does, in characters (code points)', () => {
    expect(parseDecisionBody({ comment: '👍'.repeat(512) })).toEqual({ comment: '👍'.repeat(512) });
    expect(failure(() => parseDecisionBody({ comment: '👍'.repeat(513) }))).toEqual({
      reason: 'field-too-long',
      detail: "'comment' is 513 characters long; SSM takes at most 512.",
    });
  });

  it('does not change the body it was given', () => {
    const body = { signalType: 'StartStep', payload: { StepName: [' deploy '] } };
    parseSignalBody(body);
    expect(body).toEqual({ signalType: 'StartStep', payload: { StepName: [' deploy '] } });
  });
});
