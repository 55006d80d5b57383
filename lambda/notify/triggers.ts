/**
 * What woke the notifier, and which executions to look at (pure). Two triggers, both at-least-once:
 * - SNS, from an aws:approve step's `NotificationArn`. SSM does not document the message's text, so only
 *   execution ids are taken from it: the value of a JSON property named like an execution id when the
 *   message is JSON, else every UUID in the text. The notifier then reads the truth from SSM; an id
 *   that is no execution (a step execution id, say) is answered "not found" and skipped.
 * - EventBridge, SSM's Automation status-change events (`source: aws.ssm`): `detail.ExecutionId`.
 */
const UUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;
const EXECUTION_ID_KEY = /^(automation)?executionid$/i;
/** More ids than this in one message are not an approval notification; the rest are ignored. */
export const MAX_IDS_PER_MESSAGE = 5;

export interface Trigger {
  readonly source: 'sns' | 'eventbridge';
  /** Distinct execution ids, in the order found. */
  readonly executionIds: readonly string[];
  /** Records or events that named no execution, with why: logged, never thrown. */
  readonly ignored: readonly string[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const uuidsIn = (text: string): string[] =>
  [...new Set(text.match(UUID) ?? [])].map((id) => id.toLowerCase());

/** Execution ids named by JSON properties such as `AutomationExecutionId` or `ExecutionId`, at any depth. */
const idsFromJson = (value: unknown, found: string[] = []): string[] => {
  if (Array.isArray(value)) for (const item of value) idsFromJson(item, found);
  else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (EXECUTION_ID_KEY.test(key) && typeof item === 'string') found.push(...uuidsIn(item));
      else idsFromJson(item, found);
    }
  }
  return found;
};

/** The execution ids in an SNS message's text. */
export const executionIdsInMessage = (message: string): string[] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    parsed = undefined;
  }
  const fromJson = parsed === undefined ? [] : [...new Set(idsFromJson(parsed))];
  return (fromJson.length > 0 ? fromJson : uuidsIn(message)).slice(0, MAX_IDS_PER_MESSAGE);
};

const fromSns = (records: unknown[]): Trigger => {
  const ids: string[] = [];
  const ignored: string[] = [];
  records.forEach((record, index) => {
    const message = isRecord(record) && isRecord(record.Sns) ? record.Sns.Message : undefined;
    if (typeof message !== 'string') {
      ignored.push(`Records[${index}] has no Sns.Message`);
      return;
    }
    const found = executionIdsInMessage(message);
    if (found.length === 0) ignored.push(`Records[${index}]: the message names no execution id`);
    ids.push(...found);
  });
  return { source: 'sns', executionIds: [...new Set(ids)], ignored };
};

const fromEventBridge = (event: Record<string, unknown>): Trigger => {
  const detail = isRecord(event.detail) ? event.detail : {};
  const id = typeof detail.ExecutionId === 'string' ? uuidsIn(detail.ExecutionId)[0] : undefined;
  return id === undefined
    ? { source: 'eventbridge', executionIds: [], ignored: ['the event has no detail.ExecutionId'] }
    : { source: 'eventbridge', executionIds: [id], ignored: [] };
};

/** Reads either trigger; anything else is refused (it is a wiring fault, not an input to tolerate). */
export const triggerOf = (event: unknown): Trigger => {
  if (isRecord(event) && Array.isArray(event.Records)) return fromSns(event.Records);
  if (isRecord(event) && event.source === 'aws.ssm') return fromEventBridge(event);
  throw new Error(
    'The notifier was invoked with an event that is neither SNS nor an aws.ssm EventBridge event',
  );
};
