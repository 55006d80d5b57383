/**
 * A quorum gate's tally on the pages: `1 of 2 approvals: alice@example.com · 1 more needed`, in words.ts's
 * display wording, so that the pages, e-mails and chat messages say the same; the names come from SSM's
 * Comment and people's labels, so the whole line is escaped like any other text.
 */
import type { Tally } from '../quorum/tally';
import { tallyText } from '../quorum/words';
import { html, type SafeHtml } from './html';

/** The tally as one line of text: `1 of 2 approvals: alice@example.com · 1 more needed` (escaped). */
export const renderTally = (tally: Tally): SafeHtml => html`${tallyText(tally, { style: 'display' })}`;

/** `<dt>Approvals</dt>` and the tally: the row that stands for "Approvals needed" on a quorum gate. */
export const tallyRow = (tally: Tally): SafeHtml =>
  html`<dt>Approvals</dt>\n<dd>${renderTally(tally)}</dd>\n`;

/** `1 more approval`, `2 more approvals`. */
export const moreApprovals = (remaining: number): string =>
  `${remaining} more ${remaining === 1 ? 'approval' : 'approvals'}`;
