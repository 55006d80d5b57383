/** The actions a person can take from a link, in the words the pages use for them. */

/** Actions a signed link can carry (the `{action}` path segment of the confirmation flow). */
export type PageAction = 'approve' | 'reject' | 'stop';

export const PAGE_ACTIONS: readonly PageAction[] = ['approve', 'reject', 'stop'];

export const isPageAction = (value: string): value is PageAction =>
  (PAGE_ACTIONS as readonly string[]).includes(value);

export interface ActionWords {
  /** Short name shown next to "Action". */
  readonly label: string;
  /** Confirmation page heading. */
  readonly question: string;
  /** What pressing the button does, in one or two sentences. */
  readonly effect: string;
  /** Text of the submit button: says exactly what will happen. */
  readonly button: string;
  /** Destructive actions get the red button. */
  readonly destructive: boolean;
  /** Result page heading. */
  readonly doneHeading: string;
  /** Result page lead sentence. */
  readonly done: string;
  /**
   * Whether the confirmation form offers a comment. Stop does not: StopAutomationExecution takes no
   * comment and the stop route's body is `{"type"?}`, so a comment field would go nowhere (or be
   * refused as an unknown field). Assumption recorded here; revisit if stop gains an audit comment.
   */
  readonly takesComment: boolean;
}

export const ACTION_WORDS: Readonly<Record<PageAction, ActionWords>> = {
  approve: {
    label: 'Approve',
    question: 'Approve this execution?',
    effect: 'The approval step is approved and the runbook continues with its next step.',
    button: 'Approve execution',
    destructive: false,
    doneHeading: 'Approved',
    done: 'Approved. The runbook continues.',
    takesComment: true,
  },
  reject: {
    label: 'Reject',
    question: 'Reject this execution?',
    effect:
      'The approval step is rejected and fails. Unless the runbook handles that failure, the execution ends.',
    button: 'Reject execution',
    destructive: true,
    doneHeading: 'Rejected',
    done: 'Rejected. The approval step fails; unless the runbook handles that, the execution ends.',
    takesComment: true,
  },
  stop: {
    label: 'Stop (cancel)',
    question: 'Stop this execution?',
    effect:
      'Systems Manager cancels the whole execution, including any step in progress. A cancelled execution cannot be resumed.',
    button: 'Stop execution',
    destructive: true,
    doneHeading: 'Stopped',
    done: 'Stopped. Systems Manager is cancelling the execution; its status becomes Cancelled once running steps have ended.',
    takesComment: false,
  },
};

/**
 * Where a Slack message's link sends its reader to decide, and why there: the page of such a link has no
 * button, and a POST with it is refused (`slack-link-view-only`).
 */
export const DECIDE_IN_SLACK =
  "Decide with the Approve and Reject buttons of the Slack message: Slack tells us who clicked, and only the runbook's approvers can decide.";
