/** Builds the API Gateway payload-2.0 events the handlers receive, with the local runner's own builder. */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { toApiGatewayEvent } from '../../local/api-gateway-event';
import { lambdaContext } from '../../local/function-worker';

export interface RequestSpec {
  readonly method?: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export const apiEvent = ({
  method = 'POST',
  path,
  headers = {},
  body = '',
}: RequestSpec): APIGatewayProxyEventV2 => {
  const routed = toApiGatewayEvent({
    method,
    url: path,
    rawHeaders: Object.entries({ host: 'webhook.example', ...headers }).flat(),
    body: Buffer.from(body),
    sourceIp: '192.0.2.10',
    now: new Date(),
  });
  if (!routed) throw new Error(`no route for ${method} ${path}`);
  return routed.event;
};

export const jsonPost = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  apiEvent({ path, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** The confirmation form's POST, as a browser sends it (it asks for HTML). */
export const formPost = (path: string, fields: Record<string, string>) =>
  apiEvent({
    path,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    },
    body: new URLSearchParams(fields).toString(),
  });

export const context = (): Context => lambdaContext('test', '00000000-0000-4000-8000-000000000000', 10_000);

/** Every JSON and problem+json response carries exactly these security headers (lower-cased, as sent). */
export const JSON_RESPONSE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
} as const;
