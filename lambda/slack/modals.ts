/**
 * The modals a button opens (pure): Reject asks for a reason (required), Approve for an optional comment
 * when the routing rule says `approve: 'with-comment'`. The modal carries the button's own signed value in
 * `private_metadata`, so its submission is checked exactly like the click (the value is re-verified for
 * the team and the channel the message was posted to, and the clicker is checked again).
 *
 * The comment box's `max_length` is the room SSM's 512-character Comment leaves after who decided
 * (`Rejected via Slack by alice (U…): `), so nothing a person writes is cut.
 */
import type { InputBlock, ModalView, SectionBlock } from '@slack/web-api';
import { ValidationError } from '../core/errors';
import { escapeMrkdwn } from '../notify/channels/slack-message';
import { singleLine } from '../notify/describe';
import type { ButtonAction } from './button-token';
import { isRecord, isSlackId } from './fields';
import { MAX_SLACK_PRIVATE_METADATA_LENGTH } from './payload';

/** The `callback_id` of each modal: the submission says which decision it is. */
export const MODAL_CALLBACK_IDS: Readonly<Record<ButtonAction, string>> = {
  approve: 'ssm-approval:approve',
  reject: 'ssm-approval:reject',
};

/** Where the comment is in `view.state.values[block_id][action_id]`. */
export const COMMENT_BLOCK_ID = 'comment';
export const COMMENT_ACTION_ID = 'comment';

/** The error shown under the reason box when the reason is blank (Slack accepts spaces as an answer). */
export const BLANK_REASON_ERROR = 'Please give a reason for rejecting.';

/** What a modal remembers of the click that opened it. */
export interface ModalMetadata {
  /** The signed button value that was pressed. */
  readonly value: string;
  /** The channel the message (and its button) was posted to. */
  readonly channelId: string;
  /** The message, so that it can be updated once the decision is made. */
  readonly messageTs?: string;
}

export interface DecisionModalInput {
  readonly action: ButtonAction;
  readonly runbook: string;
  readonly stepName: string;
  /** How many characters of comment fit in SSM's Comment after who decided (commentRoom). */
  readonly maxLength: number;
  readonly metadata: ModalMetadata;
}

const MESSAGE_TS_PATTERN = /^[0-9]{1,12}\.[0-9]{6}$/;

const WORDS: Readonly<
  Record<ButtonAction, { title: string; submit: string; label: string; question: string; optional: boolean }>
> = {
  approve: {
    title: 'Approve',
    submit: 'Approve',
    label: 'Comment (optional)',
    question: 'Approve',
    optional: true,
  },
  reject: {
    title: 'Reject',
    submit: 'Reject',
    label: 'Reason for rejecting',
    question: 'Reject',
    optional: false,
  },
};

/** The modal `views.open` shows for a press of Approve (with comment) or Reject. */
export const decisionModal = (input: DecisionModalInput): ModalView => {
  const words = WORDS[input.action];
  const metadata = JSON.stringify(input.metadata);
  if (metadata.length > MAX_SLACK_PRIVATE_METADATA_LENGTH) {
    // Cannot happen with our own button values (about 1000 characters); refuse rather than cut a signature.
    throw new RangeError(
      `The modal's private_metadata would be ${metadata.length} characters; Slack takes at most ${MAX_SLACK_PRIVATE_METADATA_LENGTH}`,
    );
  }
  const what: SectionBlock = {
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: `${words.question} *${escapeMrkdwn(singleLine(input.runbook, 200))}*, approval step *${escapeMrkdwn(singleLine(input.stepName, 200))}*?`,
      verbatim: true,
    },
  };
  const comment: InputBlock = {
    type: 'input',
    block_id: COMMENT_BLOCK_ID,
    label: { type: 'plain_text', text: words.label },
    optional: words.optional,
    element: {
      type: 'plain_text_input',
      action_id: COMMENT_ACTION_ID,
      multiline: true,
      max_length: Math.max(1, input.maxLength),
    },
  };
  return {
    type: 'modal',
    callback_id: MODAL_CALLBACK_IDS[input.action],
    title: { type: 'plain_text', text: words.title },
    submit: { type: 'plain_text', text: words.submit },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: metadata,
    blocks: [what, comment],
  };
};

/** The action a `callback_id` stands for; undefined for any modal not ours. */
export const modalAction = (callbackId: string): ButtonAction | undefined =>
  (Object.keys(MODAL_CALLBACK_IDS) as ButtonAction[]).find(
    (action) => MODAL_CALLBACK_IDS[action] === callbackId,
  );

const invalidMetadata = (): ValidationError =>
  new ValidationError(
    'invalid-slack-payload',
    'The Slack payload is not valid: "view.private_metadata" is not what this app stored in its modal.',
  );

/** Reads `private_metadata` back, strictly (ValidationError when it is not ours). */
export const parseModalMetadata = (text: string): ModalMetadata => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalidMetadata();
  }
  if (!isRecord(json)) throw invalidMetadata();
  const { value, channelId, messageTs } = json;
  if (typeof value !== 'string' || value === '' || !isSlackId(channelId)) throw invalidMetadata();
  if (messageTs !== undefined && (typeof messageTs !== 'string' || !MESSAGE_TS_PATTERN.test(messageTs))) {
    throw invalidMetadata();
  }
  return messageTs === undefined ? { value, channelId } : { value, channelId, messageTs };
};

/** The comment as typed (undefined when the box was left empty). */
export const submittedComment = (
  values: Readonly<Record<string, Readonly<Record<string, { readonly value?: string | null }>>>>,
): string | undefined => {
  const value = values[COMMENT_BLOCK_ID]?.[COMMENT_ACTION_ID]?.value;
  return typeof value === 'string' ? value : undefined;
};
