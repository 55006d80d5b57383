/**
 * Checking a parsed runbook document and turning it into a Runbook. A document the simulator cannot
 * run faithfully is refused here, at load time, with the file name, rather than misbehaving later.
 */
import { references } from './interpolate';
import { checkConstraints, defaultToWire, fromWire, ParameterProblem } from './parameters';
import {
  INSTANT_ACTIONS,
  type OnFailure,
  type ParameterDefinition,
  type ParameterType,
  type Runbook,
  RunbookError,
  type StepDefinition,
  SYSTEM_VARIABLES,
  WAITING_ACTIONS,
} from './runbook';

const PARAMETER_TYPES: ReadonlySet<string> = new Set([
  'String',
  'StringList',
  'Integer',
  'Boolean',
  'StringMap',
  'MapList',
]);
const DOCUMENT_NAME = /^[a-zA-Z0-9_\-.]{3,128}$/;
// SSM reserves these prefixes for AWS-owned documents.
const RESERVED_PREFIX = /^(aws|amazon|amzn)/i;
const STEP_NAME = /^[a-zA-Z0-9_]{1,100}$/;
const PARAMETER_NAME = /^[a-zA-Z0-9_]{1,50}$/;
const ACTION_NAME = /^aws:[a-zA-Z]{3,25}$/;
const TOP_LEVEL_KEYS = new Set([
  'schemaVersion',
  'description',
  'assumeRole',
  'parameters',
  'mainSteps',
  'outputs',
]);
const STEP_KEYS = new Set([
  'name',
  'action',
  'description',
  'inputs',
  'outputs',
  'onFailure',
  'isEnd',
  'nextStep',
  'isCritical',
  'maxAttempts',
  'timeoutSeconds',
]);
const APPROVE_INPUTS = new Set(['Approvers', 'Message', 'MinRequiredApprovals', 'NotificationArn']);

type Problem = (message: string) => never;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const optional = <T>(
  value: unknown,
  check: (v: unknown) => v is T,
  what: string,
  fail: Problem,
): T | undefined => {
  if (value === undefined) return undefined;
  if (!check(value)) fail(what);
  return value;
};
const isString = (v: unknown): v is string => typeof v === 'string';
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isPositiveInteger = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1;

const parameterDefinition = (name: string, raw: unknown, fail: Problem): ParameterDefinition => {
  if (!PARAMETER_NAME.test(name)) fail(`parameter name '${name}' must match ${PARAMETER_NAME.source}`);
  if (!isRecord(raw)) fail(`parameter '${name}' must be a map`);
  const type = raw.type;
  if (typeof type !== 'string' || !PARAMETER_TYPES.has(type)) {
    fail(
      `parameter '${name}' has type ${JSON.stringify(type)}; supported: ${[...PARAMETER_TYPES].join(', ')}`,
    );
  }
  const allowedValues = optional(
    raw.allowedValues,
    (v): v is string[] => Array.isArray(v) && v.every(isString),
    `parameter '${name}': allowedValues must be a list of strings`,
    fail,
  );
  const allowedPattern = optional(
    raw.allowedPattern,
    isString,
    `parameter '${name}': allowedPattern must be a string`,
    fail,
  );
  if (allowedPattern !== undefined) {
    try {
      new RegExp(allowedPattern);
    } catch (cause) {
      fail(`parameter '${name}': allowedPattern is not a valid regular expression (${String(cause)})`);
    }
  }
  const definition: ParameterDefinition = {
    type: type as ParameterType,
    ...(isString(raw.description) ? { description: raw.description } : {}),
    ...('default' in raw ? { default: raw.default } : {}),
    ...(allowedValues ? { allowedValues } : {}),
    ...(allowedPattern !== undefined ? { allowedPattern } : {}),
  };
  if ('default' in definition) {
    try {
      const strings = defaultToWire(name, definition, definition.default);
      fromWire(name, definition, strings);
      checkConstraints(name, definition, strings);
    } catch (error) {
      if (error instanceof ParameterProblem) fail(error.message);
      throw error;
    }
  }
  return definition;
};

const onFailureOf = (raw: string | undefined, stepName: string, fail: Problem): OnFailure => {
  if (raw === undefined || raw === 'Abort') return { kind: 'Abort' };
  if (raw === 'Continue') return { kind: 'Continue' };
  if (raw.startsWith('step:') && raw.length > 5) return { kind: 'Step', step: raw.slice(5) };
  return fail(`step '${stepName}': onFailure must be Abort, Continue or step:<name>, not '${raw}'`);
};

const checkApproveInputs = (step: string, inputs: Record<string, unknown>, fail: Problem): void => {
  for (const key of Object.keys(inputs)) {
    if (!APPROVE_INPUTS.has(key)) fail(`step '${step}': aws:approve has no input '${key}'`);
  }
  const approvers = inputs.Approvers;
  const listOk = Array.isArray(approvers) && approvers.length > 0 && approvers.every(isString);
  if (!listOk && !isString(approvers))
    fail(`step '${step}': aws:approve needs Approvers, a list of principals`);
  const min = inputs.MinRequiredApprovals;
  if (min !== undefined && !isPositiveInteger(min) && !isString(min)) {
    fail(`step '${step}': MinRequiredApprovals must be a positive integer`);
  }
  if (inputs.Message !== undefined && !isString(inputs.Message))
    fail(`step '${step}': Message must be a string`);
  if (inputs.NotificationArn !== undefined && !isString(inputs.NotificationArn))
    fail(`step '${step}': NotificationArn must be a string`);
};

const stepDefinition = (raw: unknown, index: number, fail: Problem): StepDefinition => {
  if (!isRecord(raw)) return fail(`mainSteps[${index}] must be a map`);
  const name = raw.name;
  if (!isString(name) || !STEP_NAME.test(name))
    return fail(`mainSteps[${index}].name must match ${STEP_NAME.source}`);
  for (const key of Object.keys(raw)) {
    if (!STEP_KEYS.has(key)) fail(`step '${name}': unknown property '${key}'`);
  }
  const action = raw.action;
  if (!isString(action) || !ACTION_NAME.test(action))
    return fail(`step '${name}': action must match ${ACTION_NAME.source}`);
  if (!INSTANT_ACTIONS.has(action) && !WAITING_ACTIONS.has(action)) {
    fail(`step '${name}': action ${action} is not supported by the simulator`);
  }
  if (!isRecord(raw.inputs)) return fail(`step '${name}': inputs must be a map`);
  if (action === 'aws:approve') checkApproveInputs(name, raw.inputs, fail);
  const onFailure = optional(raw.onFailure, isString, `step '${name}': onFailure must be a string`, fail);
  const declared = {
    onFailure,
    isEnd: optional(raw.isEnd, isBoolean, `step '${name}': isEnd must be true or false`, fail),
    nextStep: optional(raw.nextStep, isString, `step '${name}': nextStep must be a step name`, fail),
    isCritical: optional(raw.isCritical, isBoolean, `step '${name}': isCritical must be true or false`, fail),
    maxAttempts: optional(
      raw.maxAttempts,
      isPositiveInteger,
      `step '${name}': maxAttempts must be a positive integer`,
      fail,
    ),
    timeoutSeconds: optional(
      raw.timeoutSeconds,
      isPositiveInteger,
      `step '${name}': timeoutSeconds must be a positive integer`,
      fail,
    ),
  };
  return { name, action, inputs: raw.inputs, onFailure: onFailureOf(onFailure, name, fail), declared };
};

const checkReferences = (
  value: unknown,
  where: string,
  known: (ref: string) => boolean,
  fail: Problem,
): void => {
  for (const ref of references(value)) {
    if (!known(ref))
      fail(
        `${where} refers to '{{ ${ref} }}', which is not a parameter, a step output or a supported system variable`,
      );
  }
};

/** Validates a parsed document; `file` names it in errors. */
export const toRunbook = (name: string, file: string, doc: unknown): Runbook => {
  const fail: Problem = (problem) => {
    throw new RunbookError(file, problem);
  };
  if (!DOCUMENT_NAME.test(name)) fail(`document name '${name}' must match ${DOCUMENT_NAME.source}`);
  if (RESERVED_PREFIX.test(name))
    fail(`document name '${name}' uses a prefix reserved by AWS (aws, amazon, amzn)`);
  if (!isRecord(doc)) return fail('the document must be a map');
  for (const key of Object.keys(doc)) {
    if (!TOP_LEVEL_KEYS.has(key)) fail(`unknown top-level property '${key}'`);
  }
  if (doc.schemaVersion !== '0.3' && doc.schemaVersion !== 0.3)
    fail("schemaVersion must be '0.3' (Automation)");
  const rawParameters = doc.parameters ?? {};
  if (!isRecord(rawParameters)) return fail('parameters must be a map');
  const parameters = Object.fromEntries(
    Object.entries(rawParameters).map(([key, raw]) => [key, parameterDefinition(key, raw, fail)]),
  );
  if (!Array.isArray(doc.mainSteps) || doc.mainSteps.length === 0)
    return fail('mainSteps must be a non-empty list');
  const mainSteps = doc.mainSteps.map((raw, index) => stepDefinition(raw, index, fail));
  const stepNames = new Set<string>();
  for (const step of mainSteps) {
    if (stepNames.has(step.name)) fail(`step name '${step.name}' is used twice`);
    stepNames.add(step.name);
  }
  for (const step of mainSteps) {
    if (step.declared.nextStep !== undefined && !stepNames.has(step.declared.nextStep)) {
      fail(`step '${step.name}': nextStep '${step.declared.nextStep}' is not a step`);
    }
    if (step.onFailure.kind === 'Step' && !stepNames.has(step.onFailure.step)) {
      fail(`step '${step.name}': onFailure goes to '${step.onFailure.step}', which is not a step`);
    }
  }
  const known = (ref: string): boolean => {
    const [step, output, ...rest] = ref.split('.');
    const isStepOutput = step !== undefined && stepNames.has(step) && !!output && rest.length === 0;
    return Object.hasOwn(parameters, ref) || SYSTEM_VARIABLES.has(ref) || isStepOutput;
  };
  const outputs =
    optional(
      doc.outputs ?? [],
      (v): v is string[] => Array.isArray(v) && v.every(isString),
      'outputs must be a list of StepName.OutputName',
      fail,
    ) ?? [];
  for (const output of outputs) {
    const [step, out, ...rest] = output.split('.');
    if (!step || !out || rest.length > 0 || !stepNames.has(step))
      fail(`output '${output}' must be StepName.OutputName of a step`);
  }
  const assumeRole = optional(doc.assumeRole, isString, 'assumeRole must be a string', fail);
  checkReferences(assumeRole, 'assumeRole', known, fail);
  for (const step of mainSteps) checkReferences(step.inputs, `step '${step.name}'`, known, fail);
  return {
    name,
    documentVersion: '1',
    file,
    ...(isString(doc.description) ? { description: doc.description } : {}),
    ...(assumeRole !== undefined ? { assumeRole } : {}),
    parameters,
    mainSteps,
    outputs,
  };
};
