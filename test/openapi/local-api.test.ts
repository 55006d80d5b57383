/**
 * What a new user does after `npm start`: fetch GET /openapi.json from the local API (the confirm function
 * in its own worker, behind the API Gateway twin built from ROUTES) and validate it with the standard
 * validator. The deployed stack routes the same table (test/stack checks its routes equal ROUTES).
 */
import { readFileSync } from 'node:fs';
import { OPENAPI_FILE } from '../../lambda/openapi/generate';
import { type E2E, startE2E } from '../e2e/local-stack';
import { validateOpenApi } from './openapi-validator';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(() => e2e.close());

it('serves the committed document at GET /openapi.json, valid OpenAPI 3.1', async () => {
  const response = await fetch(new URL('/openapi.json', e2e.stack.apiUrl));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(response.headers.get('cache-control')).toBe('public, max-age=300');
  const document: unknown = await response.json();
  expect(document).toEqual(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')));
  expect(validateOpenApi(document)).toEqual({ valid: true, version: '3.1' });
});
