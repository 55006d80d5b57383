/**
 * Turns a real HTTP request into the API Gateway HTTP API (payload format 2.0) event the Lambda handlers
 * receive in AWS, routed by the same route table as the CDK stack. Pure: the server passes in what it read.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ROUTES, type RouteDefinition, routeKey } from '../lambda/routes';

export interface IncomingRequest {
  readonly method: string;
  /** The request target as sent: path and query string, still percent-encoded. */
  readonly url: string;
  /** Node's `rawHeaders`: name, value, name, value… */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly now: Date;
}

export interface RoutedEvent {
  readonly route: RouteDefinition;
  readonly event: APIGatewayProxyEventV2;
}

/**
 * Content types API Gateway passes as text, as observed on real HTTP APIs; every other body, a missing
 * content type and form posts included, arrives base64-encoded.
 */
const TEXT_CONTENT_TYPE = /^(text\/[^;]+|application\/(json|xml|javascript))\s*(;.*)?$/i;

interface CompiledRoute {
  readonly route: RouteDefinition;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

const compile = (route: RouteDefinition): CompiledRoute => {
  const names: string[] = [];
  const source = route.path
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace(/\\?\{(\w+)\\?\}/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
  return { route, pattern: new RegExp(`^${source}$`), names };
};

const COMPILED = ROUTES.map(compile);

/** API Gateway prefers the most specific route: fewer path parameters first (`/approve` over `/{action}`). */
const BY_SPECIFICITY = [...COMPILED].sort((a, b) => a.names.length - b.names.length);

export const matchRoute = (
  method: string,
  path: string,
): { route: RouteDefinition; pathParameters: Record<string, string> } | undefined => {
  for (const compiled of BY_SPECIFICITY) {
    if (compiled.route.method !== method) continue;
    const match = compiled.pattern.exec(path);
    if (!match) continue;
    const pathParameters = Object.fromEntries(
      compiled.names.map((name, i) => [name, safeDecode(match[i + 1] ?? '')]),
    );
    return { route: compiled.route, pathParameters };
  }
  return undefined;
};

const safeDecode = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

/** Repeated headers and query parameters are joined with commas, as payload 2.0 does. */
const joinRepeated = (pairs: Iterable<readonly [string, string]>): Record<string, string> => {
  const joined: Record<string, string> = {};
  for (const [name, value] of pairs) {
    joined[name] = joined[name] === undefined ? value : `${joined[name]},${value}`;
  }
  return joined;
};

const headerPairs = function* (rawHeaders: readonly string[]): Generator<readonly [string, string]> {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]?.toLowerCase();
    if (name && name !== 'cookie') yield [name, rawHeaders[i + 1] ?? ''];
  }
};

export const toApiGatewayEvent = (request: IncomingRequest): RoutedEvent | undefined => {
  const queryStart = request.url.indexOf('?');
  const rawPath = queryStart === -1 ? request.url : request.url.slice(0, queryStart);
  const rawQueryString = queryStart === -1 ? '' : request.url.slice(queryStart + 1);
  const matched = matchRoute(request.method, rawPath);
  if (!matched) return undefined;

  const headers = joinRepeated(headerPairs(request.rawHeaders));
  const cookies = collectCookies(request.rawHeaders);
  const query = joinRepeated(new URLSearchParams(rawQueryString).entries());
  const contentType = headers['content-type'] ?? '';
  const hasBody = request.body.length > 0;
  const asText = TEXT_CONTENT_TYPE.test(contentType);
  const key = routeKey(matched.route);

  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: key,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(rawQueryString ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method: request.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: key,
      stage: '$default',
      time: request.now.toISOString(),
      timeEpoch: request.now.getTime(),
    },
    pathParameters: matched.pathParameters,
    ...(hasBody ? { body: asText ? request.body.toString('utf8') : request.body.toString('base64') } : {}),
    isBase64Encoded: hasBody && !asText,
  };
  return { route: matched.route, event };
};

const collectCookies = (rawHeaders: readonly string[]): string[] => {
  const cookies: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === 'cookie') {
      cookies.push(...(rawHeaders[i + 1] ?? '').split(/;\s*/).filter(Boolean));
    }
  }
  return cookies;
};
