/**
 * What each mutating route does, as pure functions: a validated request and the caller's identity in,
 * the exact SSM command input and the response body out. The handlers only send what these prepare.
 */
import type {
  SendAutomationSignalCommandInput,
  StopAutomationExecutionCommandInput,
} from '@aws-sdk/client-ssm';
import { authorizeApiAction, type Identity } from '../auth/authenticate';
import { composeComment } from '../auth/identity-comment';
import { ForbiddenError } from './errors';
import { singleLine } from './plain-text';
import { buildSignalInput, buildStopInput } from './ssm-requests';
import { parseDecisionBody, parseSignalBody, parseStopBody, type SignalType } from './validation';

export type SignalAction = 'approve' | 'reject' | 'signal';

export interface PreparedSignal {
  readonly input: SendAutomationSignalCommandInput;
  /** The 200 body: the execution, the action and exactly what was sent. */
  readonly result: SignalResult;
  /** The comment the caller wrote, before who and how were added to it. */
  readonly userComment?: string;
}

export interface SignalResult {
  readonly executionId: string;
  readonly action: SignalAction;
  readonly operation: 'SendAutomationSignal';
  readonly signalType: SignalType;
  readonly payload?: Record<string, string[]>;
}

export interface PreparedStop {
  readonly input: StopAutomationExecutionCommandInput;
  readonly result: StopResult;
}

export interface StopResult {
  readonly executionId: string;
  readonly action: 'stop';
  readonly operation: 'StopAutomationExecution';
  readonly stopType: 'Cancel' | 'Complete';
}

const decisionSignal = (action: 'approve' | 'reject'): SignalType =>
  action === 'approve' ? 'Approve' : 'Reject';

/**
 * Approve and Reject carry who decided and through which channel in their `Comment`, because SSM records
 * only the webhook's role as the approver; other signal types carry exactly the payload they require.
 */
export const prepareSignal = (
  action: SignalAction,
  executionId: string,
  body: Record<string, unknown>,
  identity: Identity,
): PreparedSignal => {
  const request =
    action === 'signal'
      ? parseSignalBody(body)
      : { signalType: decisionSignal(action), comment: parseDecisionBody(body).comment };
  const { signalType } = request;
  let payload: Record<string, string[]> | undefined;
  let userComment: string | undefined;
  if (signalType === 'Approve' || signalType === 'Reject') {
    const written = 'comment' in request ? request.comment : request.payload?.value;
    // What the result page shows is what SSM records: one line, no control or bidi characters.
    userComment = written === undefined ? undefined : singleLine(written) || undefined;
    payload = {
      Comment: [composeComment(identity, signalType === 'Approve' ? 'approve' : 'reject', userComment)],
    };
  } else if ('payload' in request && request.payload) {
    payload = { [request.payload.key]: [request.payload.value] };
  }
  const signal = payload === undefined ? { signalType } : { signalType, payload };
  return {
    input: buildSignalInput(executionId, signal),
    result: { executionId, action, operation: 'SendAutomationSignal', ...signal },
    ...(userComment === undefined ? {} : { userComment }),
  };
};

/**
 * A stop link cancels, nothing else: `Complete` ends a run as a success without its remaining steps, so
 * only API clients may choose the type (DESIGN.md §3).
 */
export const prepareStop = (
  executionId: string,
  body: Record<string, unknown>,
  identity: Identity,
): PreparedStop => {
  if (identity.kind === 'link' && body.type !== undefined) {
    throw new ForbiddenError(
      'link-stop-type',
      "A stop link cancels the execution; it cannot choose a stop type. Only API clients may send 'type'.",
    );
  }
  const { type } = parseStopBody(body);
  if (identity.kind === 'api' && type === 'Complete')
    authorizeApiAction(identity.name, identity.scope, 'complete');
  return {
    input: buildStopInput(executionId, type),
    result: { executionId, action: 'stop', operation: 'StopAutomationExecution', stopType: type },
  };
};
