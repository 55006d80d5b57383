/**
 * Validates an OpenAPI document with @seriousme/openapi-schema-validator (the OpenAPI Initiative's JSON
 * Schemas for 2.0 to 3.2, checked with ajv, plus $ref resolution). The package is ESM-only and reads its
 * schemas through import.meta.url, which jest's CommonJS transform cannot load, so it runs in a child
 * Node process, as its own `validate-api` CLI does.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface OpenApiValidation {
  readonly valid: boolean;
  /** The OpenAPI version the validator recognised (`3.1`). */
  readonly version?: string;
  readonly errors?: unknown;
}

const SCRIPT = `
import { Validator } from '@seriousme/openapi-schema-validator';
let input = '';
for await (const chunk of process.stdin) input += chunk;
const validator = new Validator();
const result = await validator.validate(JSON.parse(input));
process.stdout.write(JSON.stringify({ ...result, version: validator.version }));
`;

export const validateOpenApi = (document: unknown): OpenApiValidation =>
  JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', SCRIPT], {
      cwd: join(__dirname, '..', '..'),
      input: JSON.stringify(document),
      encoding: 'utf8',
    }),
  ) as OpenApiValidation;
