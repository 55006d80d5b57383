/**
 * Input checking as the AWS service framework does it, before an operation runs:
 * 1. JSON types against the model (SerializationException, e.g. "NUMBER_VALUE cannot be converted to String");
 * 2. model constraints (ValidationException, "1 validation error detected: Value 'x' at
 *    'automationExecutionId' failed to satisfy constraint: Member must have length greater than or
 *    equal to 36"). Members are checked in model order; paths use the framework's lowerCamel names.
 * The shapes, their lengths, ranges, patterns and enum values are read from SSM's own API model
 * (ssm-model-extract.json, a copy of the project's shared model extract: the Smithy model of 2025-04),
 * never copied by hand, so that messages quote the model's constraints as AWS's do. The one addition is
 * the newer SignalType Revoke, which the extract records as later than both models.
 * The framework's exact wording for nested list and map members is inferred, not documented.
 */
import { SsmError } from './errors';
import model from './ssm-model-extract.json';

export type Shape =
  | {
      readonly type: 'string';
      readonly min?: number;
      readonly max?: number;
      readonly pattern?: string;
      readonly enum?: readonly string[];
    }
  | { readonly type: 'integer'; readonly min?: number; readonly max?: number }
  | { readonly type: 'boolean' }
  | { readonly type: 'list'; readonly member: Shape; readonly min?: number; readonly max?: number }
  | {
      readonly type: 'map';
      readonly key: Shape;
      readonly value: Shape;
      readonly min?: number;
      readonly max?: number;
    }
  | { readonly type: 'structure'; readonly members: Readonly<Record<string, Member>> };

export interface Member {
  readonly shape: Shape;
  readonly required?: boolean;
}

/** A shape of the Smithy JSON model, as the extract holds it. */
interface ModelShape {
  readonly type: string;
  readonly traits?: Readonly<Record<string, unknown>>;
  readonly member?: { readonly target: string };
  readonly key?: { readonly target: string };
  readonly value?: { readonly target: string };
  readonly members?: Readonly<
    Record<string, { readonly target: string; readonly traits?: Readonly<Record<string, unknown>> }>
  >;
}

const MODEL_SHAPES = model.shapes_smithy_2025_04 as unknown as Readonly<Record<string, ModelShape>>;

/**
 * Enum values newer than the model (the extract's `later_than_both_models`): SignalType Revoke is in
 * the current SDKs and CLI reference but in neither model (see the assumptions in docs/simulator.md).
 */
const LATER_ENUM_VALUES: Readonly<Record<string, readonly string[]>> = { SignalType: ['Revoke'] };

interface Bounds {
  readonly min?: number;
  readonly max?: number;
}

const bounds = (trait: unknown): Bounds => {
  const { min, max } = (trait ?? {}) as { min?: unknown; max?: unknown };
  return {
    ...(typeof min === 'number' ? { min } : {}),
    ...(typeof max === 'number' ? { max } : {}),
  };
};

/** The simulator's Shape of a model shape, by (possibly namespaced) name. @throws Error for a shape it cannot check */
const fromModel = (target: string): Shape => {
  const name = target.slice(target.indexOf('#') + 1);
  const shape = MODEL_SHAPES[name];
  if (!shape) throw new Error(`SSM model extract: no shape ${name}`);
  const traits = shape.traits ?? {};
  const length = bounds(traits['smithy.api#length']);
  switch (shape.type) {
    case 'string': {
      const pattern = traits['smithy.api#pattern'];
      if (typeof pattern === 'string') new RegExp(pattern, 'u'); // fails loudly on a pattern JS cannot read
      return { type: 'string', ...length, ...(typeof pattern === 'string' ? { pattern } : {}) };
    }
    case 'enum': {
      // A Smithy enum member without an enumValue trait stands for its own name.
      const values = Object.entries(shape.members ?? {}).map(([memberName, member]) => {
        const value = member.traits?.['smithy.api#enumValue'];
        return typeof value === 'string' ? value : memberName;
      });
      return { type: 'string', enum: [...values, ...(LATER_ENUM_VALUES[name] ?? [])] };
    }
    case 'integer':
      return { type: 'integer', ...bounds(traits['smithy.api#range']) };
    case 'boolean':
      return { type: 'boolean' };
    case 'list':
      return { type: 'list', member: fromModel(shape.member?.target ?? ''), ...length };
    case 'map':
      return {
        type: 'map',
        key: fromModel(shape.key?.target ?? ''),
        value: fromModel(shape.value?.target ?? ''),
        ...length,
      };
    case 'structure':
      return {
        type: 'structure',
        members: Object.fromEntries(
          Object.entries(shape.members ?? {}).map(([memberName, member]) => [
            memberName,
            {
              shape: fromModel(member.target),
              ...(member.traits?.['smithy.api#required'] !== undefined ? { required: true } : {}),
            },
          ]),
        ),
      };
    default:
      throw new Error(
        `SSM model extract: shape ${name} has type ${shape.type}, which the simulator cannot check`,
      );
  }
};

/** The operations the simulator serves. */
export const OPERATION_NAMES = [
  'StartAutomationExecution',
  'GetAutomationExecution',
  'DescribeAutomationStepExecutions',
  'SendAutomationSignal',
  'StopAutomationExecution',
] as const;

export type OperationName = (typeof OPERATION_NAMES)[number];

/** The input shapes of the operations the simulator serves, read from the model. */
export const INPUT_SHAPES: Readonly<Record<OperationName, Shape>> = Object.fromEntries(
  OPERATION_NAMES.map((name) => [name, fromModel(model.operations[name].input)]),
) as Record<OperationName, Shape>;

const TYPE_NAMES = {
  string: 'String',
  integer: 'Integer',
  boolean: 'Boolean',
  list: 'List',
  map: 'Map',
  structure: 'Structure',
} as const;

const token = (value: unknown): string => {
  if (typeof value === 'string') return 'STRING_VALUE';
  if (typeof value === 'number') return 'NUMBER_VALUE';
  return value === true ? 'TRUE_VALUE' : 'FALSE_VALUE';
};

const serialization = (message: string): SsmError => new SsmError('SerializationException', message);

/** Phase 1: JSON types. Nulls count as absent, as the framework treats them. @throws SsmError SerializationException */
export const checkTypes = (shape: Shape, value: unknown): void => {
  if (value === null || value === undefined) return;
  const isArray = Array.isArray(value);
  const isObject = typeof value === 'object' && !isArray;
  const wantsObject = shape.type === 'map' || shape.type === 'structure';
  if (isObject && !wantsObject) throw serialization('Start of structure or map found where not expected.');
  if (isArray && shape.type !== 'list') throw serialization('Start of list found where not expected.');
  if (!isObject && !isArray) {
    const fits =
      (shape.type === 'string' && typeof value === 'string') ||
      (shape.type === 'integer' && Number.isInteger(value)) ||
      (shape.type === 'boolean' && typeof value === 'boolean');
    if (!fits) throw serialization(`${token(value)} cannot be converted to ${TYPE_NAMES[shape.type]}`);
    return;
  }
  if (shape.type === 'list') for (const item of value as unknown[]) checkTypes(shape.member, item);
  if (shape.type === 'map') for (const item of Object.values(value as object)) checkTypes(shape.value, item);
  if (shape.type === 'structure') {
    for (const [name, member] of Object.entries(shape.members))
      checkTypes(member.shape, (value as Record<string, unknown>)[name]);
  }
};

const render = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(render).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${render(v)}`)
      .join(', ')}}`;
  }
  return String(value);
};

const lowerFirst = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);

/** The constraints of a shape, worded as the framework words them ("less than" before "greater than"). */
const describe = (shape: Shape): string[] => {
  const out: string[] = [];
  if (shape.type === 'string' || shape.type === 'list' || shape.type === 'map') {
    if (shape.max !== undefined) out.push(`Member must have length less than or equal to ${shape.max}`);
    if (shape.min !== undefined) out.push(`Member must have length greater than or equal to ${shape.min}`);
  }
  if (shape.type === 'string' && shape.pattern !== undefined)
    out.push(`Member must satisfy regular expression pattern: ${shape.pattern}`);
  if (shape.type === 'string' && shape.enum)
    out.push(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
  if (shape.type === 'integer') {
    if (shape.max !== undefined) out.push(`Member must have value less than or equal to ${shape.max}`);
    if (shape.min !== undefined) out.push(`Member must have value greater than or equal to ${shape.min}`);
  }
  if (shape.type === 'list')
    out.push(`Member must satisfy constraint: [${describe(shape.member).join(', ')}]`);
  return out;
};

/** The constraints a present value breaks, in `describe` order. */
const broken = (shape: Shape, value: unknown): string[] => {
  const out: string[] = [];
  const length =
    typeof value === 'string'
      ? [...value].length
      : Array.isArray(value)
        ? value.length
        : shape.type === 'map'
          ? Object.keys(value as object).length
          : undefined;
  if (length !== undefined && (shape.type === 'string' || shape.type === 'list' || shape.type === 'map')) {
    if (shape.max !== undefined && length > shape.max)
      out.push(`Member must have length less than or equal to ${shape.max}`);
    if (shape.min !== undefined && length < shape.min)
      out.push(`Member must have length greater than or equal to ${shape.min}`);
  }
  if (shape.type === 'string' && typeof value === 'string') {
    if (shape.pattern !== undefined && !new RegExp(shape.pattern, 'u').test(value)) {
      out.push(`Member must satisfy regular expression pattern: ${shape.pattern}`);
    }
    if (shape.enum && !shape.enum.includes(value))
      out.push(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
  }
  if (shape.type === 'integer' && typeof value === 'number') {
    if (shape.max !== undefined && value > shape.max)
      out.push(`Member must have value less than or equal to ${shape.max}`);
    if (shape.min !== undefined && value < shape.min)
      out.push(`Member must have value greater than or equal to ${shape.min}`);
  }
  if (shape.type === 'list' && Array.isArray(value) && shape.member.type !== 'structure') {
    if (value.some((item) => broken(shape.member, item).length > 0)) {
      out.push(`Member must satisfy constraint: [${describe(shape.member).join(', ')}]`);
    }
  }
  if (shape.type === 'map' && value !== null && typeof value === 'object') {
    if (Object.keys(value).some((key) => broken(shape.key, key).length > 0)) {
      out.push(`Map keys must satisfy constraint: [${describe(shape.key).join(', ')}]`);
    }
    if (Object.values(value).some((item) => item !== null && broken(shape.value, item).length > 0)) {
      out.push(`Map value must satisfy constraint: [${describe(shape.value).join(', ')}]`);
    }
  }
  return out;
};

const collect = (shape: Shape, value: unknown, path: string, errors: string[]): void => {
  for (const constraint of broken(shape, value)) {
    errors.push(`Value '${render(value)}' at '${path}' failed to satisfy constraint: ${constraint}`);
  }
  if (shape.type === 'list' && shape.member.type === 'structure' && Array.isArray(value)) {
    value.forEach((item, index) => {
      if (item !== null) collect(shape.member, item, `${path}.${index + 1}.member`, errors);
    });
  }
  if (shape.type === 'structure' && value !== null && typeof value === 'object') {
    for (const [name, member] of Object.entries(shape.members)) {
      const memberValue = (value as Record<string, unknown>)[name];
      const memberPath = path === '' ? lowerFirst(name) : `${path}.${lowerFirst(name)}`;
      if (memberValue === null || memberValue === undefined) {
        if (member.required)
          errors.push(`Value null at '${memberPath}' failed to satisfy constraint: Member must not be null`);
      } else {
        collect(member.shape, memberValue, memberPath, errors);
      }
    }
  }
};

/** Phase 2: model constraints. @throws SsmError ValidationException listing every violation */
export const checkConstraints = (shape: Shape, value: unknown): void => {
  const errors: string[] = [];
  collect(shape, value, '', errors);
  if (errors.length === 0) return;
  const count = `${errors.length} validation error${errors.length === 1 ? '' : 's'} detected: `;
  throw new SsmError('ValidationException', count + errors.join('; '));
};
