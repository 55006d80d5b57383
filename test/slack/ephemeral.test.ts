/** Every answer the clicker alone sees, word for word. */
import { type EphemeralReason, ephemeralText } from '../../lambda/notify/channels/slack-message';

describe('ephemeralText', () => {
  it.each([
    ['not-approver', 'You are not an approver for this runbook, so nothing was changed.'],
    ['already-decided', 'This approval step has already been decided, so nothing was changed.'],
    ['gate-moved-on', 'The runbook no longer waits at this approval step, so nothing was changed.'],
    ['run-finished', 'The runbook has finished, so nothing was changed.'],
    [
      'ssm-unavailable',
      'Systems Manager could not be reached, so nothing was changed. Please try again in a minute.',
    ],
    [
      'outcome-unknown',
      'Systems Manager did not confirm your decision, so it may or may not have been applied. The message will show the outcome once it is known.',
    ],
    ['invalid-button', 'This button is not valid, so nothing was changed.'],
    ['button-expired', 'This button has expired, so nothing was changed.'],
    [
      'wrong-channel',
      'This button was not posted in this channel, so nothing was changed. Use the message the approval was posted with.',
    ],
    [
      'approvers-unavailable',
      'Slack could not tell whether you are an approver for this runbook, so nothing was changed. Please try again in a minute.',
    ],
    ['modal-failed', 'Slack did not open the form, so nothing was changed. Please press the button again.'],
    [
      'not-started',
      'Your decision could not be started, so nothing was changed. Please try again in a minute.',
    ],
    [
      'start-unknown',
      'Your decision may or may not have been applied: it was handed on, but the answer was lost. The message will show the outcome.',
    ],
    [
      'approval-recorded',
      'Your approval was recorded. This approval step needs more approvals before the runbook goes on.',
    ],
    [
      'failed',
      'Something went wrong while carrying out your decision. The message will show whether it was applied; the details are in the webhook’s log.',
    ],
  ] as [EphemeralReason, string][])('%s', (reason, text) => {
    expect(ephemeralText(reason)).toBe(text);
  });
});
