/**
 * Turns a real HTTP request into the API Gateway HTTP API (payload format 2.0) event the Lambda handlers
 * receive in AWS, routed by the same route table as the CDK stack. Pure: the server passes in what it read
 * (only the request id and the trace header are random).
 *
 * Field by field as AWS documents the 2.0 format ("Working with AWS Lambda proxy integrations for HTTP
 * APIs") and as real events show: `requestContext.time` in the access-log format, `requestId` as API
 * Gateway writes it (also its `apigw-requestid` response header), `domainName` without a port, and the
 * headers API Gateway adds (`x-forwarded-for` ending with the caller's address, `x-forwarded-port`,
 * `x-forwarded-proto`, `x-amzn-trace-id`). No `authorizer` or `authentication` (the API has no
 * authorizer and no mutual TLS), no `stageVariables` (the `$default` stage has none).
 */
import { randomBytes } from 'node:crypto';
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
  /** @default a fresh one (apiGatewayRequestId) */
  readonly requestId?: string;
  /** How the caller reached the API; a deployed API is reached over HTTPS only. @default 'https' */
  readonly protocol?: 'http' | 'https';
  /** The port the caller connected to. @default 443 for https, 80 for http */
  readonly port?: number;
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

/**
 * API Gateway's request ids (`requestContext.requestId`, the `apigw-requestid` response header): 16
 * characters, ending with `=`, as `JjvKkhTfIAMEVfw=` (11 bytes in base64).
 */
export const apiGatewayRequestId = (): string => `${randomBytes(11).toString('base64url')}=`;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `requestContext.time`: the access-log (CLF) format in UTC, `12/Mar/2020:19:03:58 +0000`. */
export const requestTime = (now: Date): string => {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(now.getUTCDate())}/${MONTHS[now.getUTCMonth()]}/${now.getUTCFullYear()}:${two(now.getUTCHours())}:${two(now.getUTCMinutes())}:${two(now.getUTCSeconds())} +0000`;
};

/** An X-Ray trace id as API Gateway adds it: `Root=1-<epoch seconds, 8 hex>-<24 hex>`. */
export const traceHeader = (now: Date): string =>
  `Root=1-${Math.floor(now.getTime() / 1000)
    .toString(16)
    .padStart(8, '0')}-${randomBytes(12).toString('hex')}`;

/** The host the caller named, without its port (`[::1]:3000` → `[::1]`). */
const withoutPort = (host: string): string => host.replace(/:\d*$/, '');

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

  const sent = joinRepeated(headerPairs(request.rawHeaders));
  const protocol = request.protocol ?? 'https';
  const forwardedFor = sent['x-forwarded-for'];
  // What API Gateway adds: the caller's address after any x-forwarded-for it sent, the port and scheme
  // the caller used, and a trace id (one the caller sent is kept: an assumption, AWS does not say).
  const headers: Record<string, string> = {
    ...sent,
    'x-amzn-trace-id': sent['x-amzn-trace-id'] ?? traceHeader(request.now),
    'x-forwarded-for': forwardedFor ? `${forwardedFor}, ${request.sourceIp}` : request.sourceIp,
    'x-forwarded-port': String(request.port ?? (protocol === 'https' ? 443 : 80)),
    'x-forwarded-proto': protocol,
  };
  const domainName = withoutPort(headers.host ?? 'localhost');
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
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: request.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: request.requestId ?? apiGatewayRequestId(),
      routeKey: key,
      stage: '$default',
      time: requestTime(request.now),
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
