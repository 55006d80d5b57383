/**
 * Reading Slack's JSON strictly: each accessor checks one field's type and shape and throws the error
 * the caller builds (a ValidationError naming the field by its path, e.g. `"actions[0].value"`). Used by
 * the interaction payload parser; values are returned, never the objects they came from, so whatever
 * Slack adds to its payloads is left out.
 */

/** Slack ids (users `U…`/`W…`, teams `T…`, channels `C…`/`G…`/`D…`, views `V…`): upper-case letters and digits. */
export const SLACK_ID_PATTERN = /^[A-Z0-9]{2,32}$/;
export const isSlackId = (value: unknown): value is string =>
  typeof value === 'string' && SLACK_ID_PATTERN.test(value);

/** A Slack message timestamp: `<unix seconds>.<6 digits>`. */
const MESSAGE_TS_PATTERN = /^[0-9]{1,12}\.[0-9]{6}$/;

export type JsonObject = Record<string, unknown>;

export const isRecord = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The object without its `undefined` properties (optional fields Slack did not send). */
export const withoutUndefined = <T extends object>(fields: T): T =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;

/** The fields of one JSON object at `path` (`''` for the top level). */
export class Fields {
  constructor(
    private readonly object: JsonObject,
    private readonly path: string,
    private readonly invalid: (problem: string) => Error,
  ) {}

  /** The quoted path of a field, for messages. */
  at(name: string): string {
    return this.path === '' ? `"${name}"` : `"${this.path}.${name}"`;
  }

  entries(): [string, unknown][] {
    return Object.entries(this.object);
  }

  raw(name: string): unknown {
    return this.object[name];
  }

  record(name: string): Fields {
    return this.child(this.object[name], this.path === '' ? name : `${this.path}.${name}`);
  }

  optionalRecord(name: string): Fields | undefined {
    const value = this.object[name];
    return value === undefined || value === null ? undefined : this.record(name);
  }

  /** A value found elsewhere (an array item, a map entry) read as an object at `path`. */
  child(value: unknown, path: string): Fields {
    if (!isRecord(value)) throw this.invalid(`"${path}" must be an object`);
    return new Fields(value, path, this.invalid);
  }

  string(name: string, maxLength = Number.POSITIVE_INFINITY): string {
    const value = this.object[name];
    if (typeof value !== 'string') throw this.invalid(`${this.at(name)} must be a string`);
    if (value.length > maxLength) {
      throw this.invalid(`${this.at(name)} must be at most ${maxLength} characters`);
    }
    return value;
  }

  nonEmptyString(name: string, maxLength?: number): string {
    const value = this.string(name, maxLength);
    if (value === '') throw this.invalid(`${this.at(name)} must not be empty`);
    return value;
  }

  optionalString(name: string): string | undefined {
    return this.object[name] === undefined ? undefined : this.string(name);
  }

  optionalBoolean(name: string): boolean | undefined {
    const value = this.object[name];
    if (value !== undefined && typeof value !== 'boolean') {
      throw this.invalid(`${this.at(name)} must be true or false`);
    }
    return value;
  }

  slackId(name: string): string {
    const value = this.object[name];
    if (!isSlackId(value)) throw this.invalid(`${this.at(name)} must be a Slack id`);
    return value;
  }

  optionalSlackId(name: string): string | undefined {
    return this.object[name] === undefined ? undefined : this.slackId(name);
  }

  messageTs(name: string): string {
    const value = this.object[name];
    if (typeof value !== 'string' || !MESSAGE_TS_PATTERN.test(value)) {
      throw this.invalid(`${this.at(name)} must be a Slack message timestamp`);
    }
    return value;
  }

  optionalMessageTs(name: string): string | undefined {
    return this.object[name] === undefined ? undefined : this.messageTs(name);
  }

  /** An absolute http(s) URL of at most 2048 characters (http only matters for a local stand-in). */
  url(name: string): string {
    const value = this.nonEmptyString(name, 2048);
    let protocol: string;
    try {
      protocol = new URL(value).protocol;
    } catch {
      throw this.invalid(`${this.at(name)} must be an absolute URL`);
    }
    if (protocol !== 'https:' && protocol !== 'http:') {
      throw this.invalid(`${this.at(name)} must be an https URL`);
    }
    return value;
  }

  array(name: string): unknown[] {
    const value = this.object[name];
    if (!Array.isArray(value)) throw this.invalid(`${this.at(name)} must be an array`);
    return value;
  }
}
