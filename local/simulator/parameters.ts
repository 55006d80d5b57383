/**
 * Runbook parameters: turning StartAutomationExecution's `Parameters` (name → list of strings) into
 * typed values, with defaults, required/unknown checks, allowedValues and allowedPattern.
 */
import { SsmError } from './errors';
import type { ResolvedValue } from './interpolate';
import type { ParameterDefinition, Runbook } from './runbook';

/** Parameter values, typed (for interpolation) and as SSM reports them back (`Parameters`). */
export interface ResolvedParameters {
  readonly values: Readonly<Record<string, ResolvedValue>>;
  readonly wire: Readonly<Record<string, readonly string[]>>;
}

/** A parameter value that does not fit its definition; the message is what the caller is told. */
export class ParameterProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParameterProblem';
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const single = (name: string, definition: ParameterDefinition, values: readonly string[]): string => {
  const [value, ...rest] = values;
  if (value === undefined || rest.length > 0) {
    throw new ParameterProblem(`Parameter '${name}' of type ${definition.type} takes exactly one value.`);
  }
  return value;
};

const parseJson = (name: string, text: string, type: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw new ParameterProblem(`Parameter '${name}' value '${text}' is not a valid ${type}.`);
  }
};

/** The typed value of wire strings. @throws ParameterProblem */
export const fromWire = (
  name: string,
  definition: ParameterDefinition,
  values: readonly string[],
): ResolvedValue => {
  switch (definition.type) {
    case 'String':
      return single(name, definition, values);
    case 'StringList':
      return [...values];
    case 'Integer': {
      const text = single(name, definition, values);
      if (!/^-?\d+$/.test(text))
        throw new ParameterProblem(`Parameter '${name}' value '${text}' is not a valid Integer.`);
      return Number(text);
    }
    case 'Boolean': {
      const text = single(name, definition, values);
      if (text !== 'true' && text !== 'false') {
        throw new ParameterProblem(`Parameter '${name}' value '${text}' is not a valid Boolean.`);
      }
      return text === 'true';
    }
    case 'StringMap': {
      const text = single(name, definition, values);
      const map = parseJson(name, text, 'StringMap');
      if (!isRecord(map))
        throw new ParameterProblem(`Parameter '${name}' value '${text}' is not a valid StringMap.`);
      return map;
    }
    case 'MapList':
      return values.map((text) => {
        const map = parseJson(name, text, 'MapList');
        if (!isRecord(map))
          throw new ParameterProblem(`Parameter '${name}' value '${text}' is not a valid MapList.`);
        return map;
      });
  }
};

/** The wire strings of a default value written in the document. @throws ParameterProblem */
export const defaultToWire = (name: string, definition: ParameterDefinition, value: unknown): string[] => {
  const wrong = (): never => {
    throw new ParameterProblem(`Parameter '${name}' has a default that is not a ${definition.type}.`);
  };
  switch (definition.type) {
    case 'String':
      return typeof value === 'string' ? [value] : wrong();
    case 'StringList':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : wrong();
    case 'Integer':
      return Number.isInteger(value) ? [String(value)] : wrong();
    case 'Boolean':
      return typeof value === 'boolean' ? [String(value)] : wrong();
    case 'StringMap':
      return isRecord(value) ? [JSON.stringify(value)] : wrong();
    case 'MapList':
      return Array.isArray(value) && value.every(isRecord) ? value.map((v) => JSON.stringify(v)) : wrong();
  }
};

/** Checks allowedValues and allowedPattern against every string of the value. @throws ParameterProblem */
export const checkConstraints = (
  name: string,
  definition: ParameterDefinition,
  values: readonly string[],
): void => {
  for (const value of values) {
    if (definition.allowedValues && !definition.allowedValues.includes(value)) {
      throw new ParameterProblem(
        `Parameter '${name}' value '${value}' is not one of the allowed values: ${definition.allowedValues.join(', ')}.`,
      );
    }
    if (definition.allowedPattern !== undefined && !new RegExp(definition.allowedPattern).test(value)) {
      throw new ParameterProblem(
        `Parameter '${name}' value '${value}' does not match the allowed pattern ${definition.allowedPattern}.`,
      );
    }
  }
};

/**
 * Resolves the parameters of a start request against the runbook. Defaults fill what the caller left
 * out and are reported back in `Parameters`, as SSM does.
 * Messages are the simulator's own (SSM's exact wording is undocumented).
 * @throws SsmError InvalidAutomationExecutionParametersException
 */
export const resolveParameters = (
  runbook: Runbook,
  supplied: Readonly<Record<string, readonly string[]>> = {},
): ResolvedParameters => {
  const values: Record<string, ResolvedValue> = {};
  const wire: Record<string, readonly string[]> = {};
  try {
    for (const name of Object.keys(supplied)) {
      if (!Object.hasOwn(runbook.parameters, name)) {
        throw new ParameterProblem(`Parameter '${name}' is not defined in document '${runbook.name}'.`);
      }
    }
    for (const [name, definition] of Object.entries(runbook.parameters)) {
      const given = Object.hasOwn(supplied, name) ? supplied[name] : undefined;
      if (given === undefined && !('default' in definition)) {
        throw new ParameterProblem(`Parameter '${name}' is required but was not provided.`);
      }
      const strings = given ?? defaultToWire(name, definition, definition.default);
      if (given !== undefined) checkConstraints(name, definition, strings);
      values[name] = fromWire(name, definition, strings);
      wire[name] = [...strings];
    }
  } catch (error) {
    if (error instanceof ParameterProblem) {
      throw new SsmError('InvalidAutomationExecutionParametersException', error.message, { cause: error });
    }
    throw error;
  }
  return { values, wire };
};
