/**
 * JSON Schemas of what the routes answer: the decision results of lambda/core/decisions.ts and
 * lambda/core/responses.ts, and the RFC 9457 problem of lambda/core/problem.ts. Those modules build the
 * bodies from TypeScript types; test/openapi checks real bodies made by them against these schemas, with
 * no field left undocumented, so the two cannot drift apart unnoticed.
 *
 * No `additionalProperties: false` here: a client should ignore a field it does not know, and a later
 * release may add one.
 */
import { PROBLEM_TYPE_PREFIX } from '../core/problem';
import { type JsonSchema, SIGNAL_TYPES, STOP_TYPES } from '../core/schemas';
import type { Tally } from '../quorum/tally';
import { alreadyLine, recordedLine } from '../quorum/words';

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** One of two approvals in: the tally the summary examples are written from. */
const EXAMPLE_TALLY: Tally = {
  needed: 2,
  approvals: [{ person: 'alice@example.com', via: 'e-mail link', seat: 'seat 1' }],
  remaining: 1,
};

/**
 * Where a gate that needs several people's approvals stands (`quorum` of a 200): approvals are counted per
 * person, whatever channel each came by.
 */
export const QUORUM_SCHEMA: JsonSchema = {
  type: 'object',
  description:
    "A gate that needs approvals from several different people (the runbook's MinRequiredApprovals): one person's approvals count once.",
  required: ['needed', 'approved', 'remaining', 'approvers', 'summary'],
  properties: {
    needed: { type: 'integer', minimum: 2, description: "The gate's MinRequiredApprovals." },
    approved: { type: 'integer', minimum: 0, description: 'Approvals by different people so far.' },
    remaining: { type: 'integer', minimum: 0, description: 'Approvals still needed.' },
    approvers: { type: 'array', items: { type: 'string' }, description: 'Who approved, in order.' },
    summary: {
      type: 'string',
      description:
        'The same in words, as the pages and chat messages say it (they show ` · ` where this plain text has `; `).',
      // Made by the words the answers use (lambda/quorum/words.ts), so the examples cannot drift from them.
      examples: [recordedLine(EXAMPLE_TALLY), alreadyLine(EXAMPLE_TALLY)],
    },
  },
};

/** 200 of approve, reject and signal: what was sent to SSM (SignalResult). */
export const SIGNAL_RESULT_SCHEMA: JsonSchema = {
  type: 'object',
  description:
    'SSM accepted the signal. `payload` is exactly what was sent: for Approve and Reject the Comment names who decided and through which channel, then the comment.',
  required: ['executionId', 'action', 'operation', 'signalType'],
  properties: {
    executionId: ref('ExecutionId'),
    action: { type: 'string', enum: ['approve', 'reject', 'signal'] },
    operation: { const: 'SendAutomationSignal' },
    signalType: { type: 'string', enum: [...SIGNAL_TYPES] },
    payload: {
      type: 'object',
      description: "SendAutomationSignal's Payload: one key, one value.",
      additionalProperties: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 1 },
    },
    quorum: ref('Quorum'),
  },
};

/** 200 of stop (StopResult). */
export const STOP_RESULT_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'SSM accepted the stop.',
  required: ['executionId', 'action', 'operation', 'stopType'],
  properties: {
    executionId: ref('ExecutionId'),
    action: { const: 'stop' },
    operation: { const: 'StopAutomationExecution' },
    stopType: { type: 'string', enum: [...STOP_TYPES] },
  },
};

/** 200 when the execution already showed this decision: nothing was sent (alreadyDoneResponse). */
export const ALREADY_DONE_SCHEMA: JsonSchema = {
  type: 'object',
  description:
    "The execution already shows this decision (a repeated click or retry, or the same decision made elsewhere), or this person's approval of a quorum gate is already in: nothing was sent to SSM.",
  required: ['executionId', 'action', 'alreadyDone'],
  properties: {
    executionId: ref('ExecutionId'),
    action: { type: 'string', enum: ['approve', 'reject', 'signal', 'stop'] },
    alreadyDone: { const: true },
    gate: { type: 'string', description: 'The approval step (step name) the decision was for.' },
    decidedAt: { type: 'string', format: 'date-time', description: 'When SSM recorded it.' },
    quorum: ref('Quorum'),
  },
};

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every error of the JSON API (problemResponse). */
export const PROBLEM_SCHEMA: JsonSchema = {
  type: 'object',
  description:
    'An RFC 9457 problem. `type` ends with a stable, machine-readable reason (`execution-not-found`, `link-expired`, ...).',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: {
      type: 'string',
      format: 'uri',
      pattern: `^${escapeRegExp(PROBLEM_TYPE_PREFIX)}[a-z0-9-]+$`,
      examples: [`${PROBLEM_TYPE_PREFIX}execution-not-found`],
    },
    title: { type: 'string', description: 'A short summary of the problem type.' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string', description: 'What is wrong and what to do, for this request.' },
    code: {
      type: 'string',
      description: 'The SSM error name, when an SSM error caused the problem.',
      examples: ['AutomationExecutionNotFoundException'],
    },
  },
};

/** API Gateway's own answer when the stage throttles (it is not the webhook's problem+json). */
export const GATEWAY_MESSAGE_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['message'],
  properties: { message: { type: 'string', examples: ['Too Many Requests'] } },
};

/** The answer that keeps a Slack modal open with a message under its comment box (modalErrors). */
export const SLACK_MODAL_ERRORS_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['response_action', 'errors'],
  properties: {
    response_action: { const: 'errors' },
    errors: {
      type: 'object',
      description: 'The comment block id → the text Slack shows under it.',
      additionalProperties: { type: 'string' },
    },
  },
};
