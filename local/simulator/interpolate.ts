/**
 * `{{ Reference }}` interpolation in runbook values, as SSM Automation does it for parameters, system
 * variables (`automation:EXECUTION_ID`, `global:REGION`, ...) and step outputs (`StepName.Output`).
 */

/** What a reference resolves to: a parameter value or a step output. */
export type ResolvedValue =
  | string
  | number
  | boolean
  | readonly unknown[]
  | Readonly<Record<string, unknown>>;

/** Looks a reference up; undefined when it has no value (yet). */
export type ReferenceLookup = (reference: string) => ResolvedValue | undefined;

/** A reference that had no value when it was needed. */
export class UnresolvedReferenceError extends Error {
  readonly reference: string;

  constructor(reference: string) {
    super(`Unable to resolve '{{ ${reference} }}': it has no value.`);
    this.name = 'UnresolvedReferenceError';
    this.reference = reference;
  }
}

const placeholderPattern = (): RegExp => /\{\{\s*([^{}\s]+)\s*\}\}/g;
const WHOLE_PLACEHOLDER = /^\{\{\s*([^{}\s]+)\s*\}\}$/;

/** Every reference used anywhere in a (YAML/JSON) value, in order of appearance. */
export const references = (value: unknown): string[] => {
  if (typeof value === 'string') return [...value.matchAll(placeholderPattern())].map((m) => m[1] ?? '');
  if (Array.isArray(value)) return value.flatMap(references);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(references);
  return [];
};

const resolve = (reference: string, lookup: ReferenceLookup): ResolvedValue => {
  const value = lookup(reference);
  if (value === undefined) throw new UnresolvedReferenceError(reference);
  return value;
};

const asText = (value: ResolvedValue): string => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * Replaces references in a value.
 * - A string that is exactly one reference takes the referenced value with its type (a StringList
 *   stays a list, an Integer a number), as SSM does for `Approvers: '{{ Approvers }}'`.
 * - A list element that is exactly one reference to a list is spread into the list
 *   (`Approvers: ['{{ Approvers }}']` with a StringList parameter). Assumption: SSM flattens here.
 * - A reference inside a longer string is replaced by its text (lists and maps as JSON).
 * @throws UnresolvedReferenceError when a reference has no value
 */
export const interpolate = (value: unknown, lookup: ReferenceLookup): unknown => {
  if (typeof value === 'string') {
    const whole = WHOLE_PLACEHOLDER.exec(value);
    if (whole) return resolve(whole[1] ?? '', lookup);
    return value.replace(placeholderPattern(), (_, reference: string) => asText(resolve(reference, lookup)));
  }
  if (Array.isArray(value)) {
    return value.flatMap((item: unknown) => {
      const resolved = interpolate(item, lookup);
      return typeof item === 'string' && WHOLE_PLACEHOLDER.test(item) && Array.isArray(resolved)
        ? resolved
        : [resolved];
    });
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolate(item, lookup)]));
  }
  return value;
};
