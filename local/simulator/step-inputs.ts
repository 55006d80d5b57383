/**
 * What a step is given: its inputs with references resolved (parameters, system variables, outputs
 * of earlier steps), encoded as SSM reports them, and the approval an aws:approve step starts.
 */

import type { Approval, Context, ExecutionRecord } from './execution';
import type { ResolvedValue } from './interpolate';

/** The reference lookup for interpolation: parameters, system variables, outputs of earlier steps. */
export const lookupFor =
  (execution: ExecutionRecord, context: Context) =>
  (reference: string): ResolvedValue | undefined => {
    if (Object.hasOwn(execution.parameters.values, reference)) return execution.parameters.values[reference];
    const iso = context.now.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const system: Record<string, string> = {
      'automation:EXECUTION_ID': execution.id,
      'global:ACCOUNT_ID': context.accountId,
      'global:AWS_PARTITION': context.partition,
      'global:DATE': iso.slice(0, 10),
      'global:DATE_TIME': iso,
      'global:REGION': context.region,
    };
    if (Object.hasOwn(system, reference)) return system[reference];
    const [stepName, outputName] = reference.split('.');
    const ran = execution.steps.filter(
      (step) => step.definition.name === stepName && step.status === 'Success',
    );
    const values = outputName === undefined ? undefined : ran.at(-1)?.outputs?.[outputName];
    return values === undefined ? undefined : values.length === 1 ? values[0] : values;
  };

export const encodeInputs = (inputs: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(inputs).map(([key, value]) => [key, JSON.stringify(value)]));

/**
 * An SNS topic ARN whose topic name begins with "Automation": the aws:approve documentation says
 * "The title of the Amazon SNS topic must be prefixed with \"Automation\"". Topic names are 1-256
 * letters, digits, hyphens and underscores (FIFO topics end in `.fifo`), as SNS documents them.
 * Assumption: the prefix is case-sensitive, and SSM checks the form when the step starts (the
 * simulator knows no topics, so any well-formed ARN is taken to exist).
 */
const NOTIFICATION_ARN =
  /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:(?=[A-Za-z0-9_-]{1,256}(?:\.fifo)?$)Automation[A-Za-z0-9_.-]*$/;

/** The approval an aws:approve step waits for, or the problem with its inputs. */
export const approvalOf = (inputs: Record<string, unknown>): Approval | string => {
  const approvers = inputs.Approvers;
  const list = typeof approvers === 'string' ? [approvers] : approvers;
  if (
    !Array.isArray(list) ||
    list.length < 1 ||
    list.length > 10 ||
    !list.every((a) => typeof a === 'string' && a !== '')
  ) {
    return 'Approvers must be a list of 1 to 10 principals.';
  }
  const min = inputs.MinRequiredApprovals === undefined ? 1 : Number(inputs.MinRequiredApprovals);
  if (!Number.isInteger(min) || min < 1 || min > list.length) {
    return `MinRequiredApprovals must be a positive integer no greater than the number of Approvers (${list.length}).`;
  }
  const message = inputs.Message;
  if (message !== undefined && (typeof message !== 'string' || message.length > 4096)) {
    return 'Message must be a string of at most 4096 characters.';
  }
  const notificationArn = inputs.NotificationArn;
  if (
    notificationArn !== undefined &&
    (typeof notificationArn !== 'string' || !NOTIFICATION_ARN.test(notificationArn))
  ) {
    return 'NotificationArn must be the ARN of an Amazon SNS topic whose name begins with "Automation".';
  }
  return {
    approvers: list,
    minRequiredApprovals: min,
    decisions: [],
    ...(message !== undefined ? { message } : {}),
    ...(notificationArn !== undefined ? { notificationArn } : {}),
  };
};
