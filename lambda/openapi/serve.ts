/**
 * `GET /openapi.json`: the document, built once per execution environment from the same modules as the
 * committed docs/openapi.json (never read from disk: the bundle carries no docs/ folder, and building it
 * here cannot serve a stale file). Public and cacheable: it holds no secret and changes only with a
 * deployment.
 */
import type { WebhookResult } from '../core/event';
import { JSON_SECURITY_HEADERS } from '../pages/headers';
import { buildOpenApiDocument, OPENAPI_MAX_AGE_SECONDS } from './document';

const lowerCaseKeys = (headers: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

/** The document as served: compact JSON of buildOpenApiDocument(). */
export const OPENAPI_JSON = JSON.stringify(buildOpenApiDocument());

export const openApiResponse = (): WebhookResult => ({
  statusCode: 200,
  headers: {
    'content-type': 'application/json',
    ...lowerCaseKeys(JSON_SECURITY_HEADERS),
    'cache-control': `public, max-age=${OPENAPI_MAX_AGE_SECONDS}`,
  },
  body: OPENAPI_JSON,
});
