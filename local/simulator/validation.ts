/**
 * Input checking as the AWS service framework does it, before an operation runs:
 * 1. JSON types against the model (SerializationException, e.g. "NUMBER_VALUE cannot be converted to String");
 * 2. model constraints (ValidationException, "1 validation error detected: Value 'x' at
 *    'automationExecutionId' failed to satisfy constraint: Member must have length greater than or
 *    equal to 36"). Members are checked in model order; paths use the framework's lowerCamel names.
 * Constraints come from ssm-model-extract.json (Smithy model of 2025-04 plus the newer SignalType Revoke).
 * The framework's exact wording for nested list and map members is inferred, not documented.
 */
import { SsmError } from './errors';

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
  | { readonly type: 'structure'; readonly members: Readonly<Record<string, Member>> }
  /** Accepted as any JSON value (members the simulator does not support and refuses later). */
  | { readonly type: 'document' };

export interface Member {
  readonly shape: Shape;
  readonly required?: boolean;
}

const str = (constraints: Omit<Extract<Shape, { type: 'string' }>, 'type'> = {}): Shape => ({
  type: 'string',
  ...constraints,
});
const ANY: Shape = { type: 'document' };
const EXECUTION_ID = str({ min: 36, max: 36 });
const PARAMETER_MAP: Shape = {
  type: 'map',
  key: str({ min: 1, max: 50 }),
  value: { type: 'list', member: str({ min: 1, max: 512 }), min: 0, max: 50 },
  min: 1,
  max: 200,
};
const TAG: Shape = {
  type: 'structure',
  members: {
    Key: { shape: str({ min: 1, max: 128, pattern: '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$' }), required: true },
    Value: {
      shape: str({ min: 0, max: 256, pattern: '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$' }),
      required: true,
    },
  },
};

/** The input shapes of the operations the simulator serves. */
export const INPUT_SHAPES = {
  StartAutomationExecution: {
    type: 'structure',
    members: {
      DocumentName: { shape: str({ pattern: '^[a-zA-Z0-9_\\-.:/]{3,128}$' }), required: true },
      DocumentVersion: { shape: str({ pattern: '^([$]LATEST|[$]DEFAULT|^[1-9][0-9]*$)$' }) },
      Parameters: { shape: PARAMETER_MAP },
      ClientToken: {
        shape: str({
          min: 36,
          max: 36,
          pattern: '^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$',
        }),
      },
      Mode: { shape: str({ enum: ['Auto', 'Interactive'] }) },
      TargetParameterName: { shape: str({ min: 1, max: 50 }) },
      Targets: { shape: ANY },
      TargetMaps: { shape: ANY },
      MaxConcurrency: { shape: ANY },
      MaxErrors: { shape: ANY },
      TargetLocations: { shape: ANY },
      Tags: { shape: { type: 'list', member: TAG, min: 0, max: 1000 } },
      AlarmConfiguration: { shape: ANY },
      TargetLocationsURL: { shape: ANY },
    },
  },
  GetAutomationExecution: {
    type: 'structure',
    members: { AutomationExecutionId: { shape: EXECUTION_ID, required: true } },
  },
  DescribeAutomationStepExecutions: {
    type: 'structure',
    members: {
      AutomationExecutionId: { shape: EXECUTION_ID, required: true },
      Filters: {
        shape: {
          type: 'list',
          min: 1,
          max: 6,
          member: {
            type: 'structure',
            members: {
              Key: {
                shape: str({
                  enum: [
                    'StartTimeBefore',
                    'StartTimeAfter',
                    'StepExecutionStatus',
                    'StepExecutionId',
                    'StepName',
                    'Action',
                    'ParentStepExecutionId',
                    'ParentStepIteration',
                    'ParentStepIteratorValue',
                  ],
                }),
                required: true,
              },
              Values: {
                shape: { type: 'list', member: str({ min: 1, max: 150 }), min: 1, max: 10 },
                required: true,
              },
            },
          },
        },
      },
      NextToken: { shape: str() },
      MaxResults: { shape: { type: 'integer', min: 1, max: 50 } },
      ReverseOrder: { shape: { type: 'boolean' } },
    },
  },
  SendAutomationSignal: {
    type: 'structure',
    members: {
      AutomationExecutionId: { shape: EXECUTION_ID, required: true },
      SignalType: {
        shape: str({ enum: ['Approve', 'Reject', 'StartStep', 'StopStep', 'Resume', 'Revoke'] }),
        required: true,
      },
      Payload: { shape: PARAMETER_MAP },
    },
  },
  StopAutomationExecution: {
    type: 'structure',
    members: {
      AutomationExecutionId: { shape: EXECUTION_ID, required: true },
      Type: { shape: str({ enum: ['Complete', 'Cancel'] }) },
    },
  },
} as const satisfies Record<string, Shape>;

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
  if (value === null || value === undefined || shape.type === 'document') return;
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
