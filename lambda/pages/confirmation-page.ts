/**
 * The page a signed link opens (GET). It changes nothing: mail scanners and chat unfurlers fetch
 * links before people do. Only its button, a plain form POST carrying the token, acts.
 */
import { ACTION_WORDS, type PageAction } from './actions';
import { html, page, timeElement } from './html';

/** SSM accepts at most 512 characters per signal payload value (`Comment`). */
export const DEFAULT_MAX_COMMENT_LENGTH = 512;

export interface ConfirmationPageInput {
  /** Execution id, already validated as a UUID by the caller (escaped here all the same). */
  readonly executionId: string;
  readonly action: PageAction;
  /** Label of the person the link was issued for, from the verified token. */
  readonly approver: string;
  /** When the link stops working. */
  readonly expiresAt: Date;
  /** The link's token, sent back by the form. Placed only in a hidden input's value. */
  readonly token: string;
  /**
   * `maxlength` of the comment box. The handler may need less than SSM's 512 when it adds the
   * approver and channel to the same `Comment`.
   * @default 512
   */
  readonly maxCommentLength?: number;
}

/**
 * The form posts to the same path without the query, so the token travels in the body instead of
 * the URL. Relative to the page (`/…/executions/<id>/<action>`): it resolves to the same path under
 * any stage name or custom-domain base path.
 */
export const formActionPath = (action: PageAction): string => `./${action}`;

export const renderConfirmationPage = (input: ConfirmationPageInput): string => {
  const { executionId, action, approver, expiresAt, token } = input;
  const maxCommentLength = input.maxCommentLength ?? DEFAULT_MAX_COMMENT_LENGTH;
  if (!Number.isInteger(maxCommentLength) || maxCommentLength < 1) {
    throw new RangeError(`maxCommentLength must be a positive integer, got ${maxCommentLength}`);
  }
  const words = ACTION_WORDS[action];

  const comment = words.takesComment
    ? html`<label for="comment">Comment (optional)</label>
<textarea id="comment" name="comment" rows="4" maxlength="${maxCommentLength}" aria-describedby="comment-hint"></textarea>
<p id="comment-hint" class="hint">Up to ${maxCommentLength} characters. Recorded with your decision in the execution's history.</p>
`
    : html``;

  const body = html`<p>${words.effect}</p>
<dl>
<dt>Execution</dt>
<dd><code>${executionId}</code></dd>
<dt>Action</dt>
<dd>${words.label}</dd>
<dt>Link issued for</dt>
<dd>${approver}</dd>
<dt>Link expires</dt>
<dd>${timeElement(expiresAt)}</dd>
</dl>
<p class="note">Nothing has happened yet. The execution changes only when you press the button below. If you are not ${approver}, do not use this link.</p>
<form method="post" action="${formActionPath(action)}" enctype="application/x-www-form-urlencoded">
<input type="hidden" name="token" value="${token}">
${comment}<button type="submit" class="button${words.destructive ? ' button-danger' : ''}">${words.button}</button>
</form>`;

  return page({ title: words.question, heading: words.question, body });
};
