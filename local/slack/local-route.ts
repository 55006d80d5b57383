/**
 * A local-only route that answers any method, for pages that take form posts (the Slack channel page's
 * buttons and modals). The local API's `localPages` answers GET only; its `localRoutes` calls one of these
 * with the request it already read, before API routing. `localRouteListener` serves a table of them from a
 * plain Node HTTP server (the tests).
 */
import type { IncomingMessage, RequestListener } from 'node:http';
import { readBody } from '../read-body';

export interface LocalRequest {
  /** `GET`, `POST`, … */
  readonly method: string;
  /** The path without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lowercased names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface LocalResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export type LocalRoute = (request: LocalRequest) => LocalResponse | Promise<LocalResponse>;

export const headersOf = (request: IncomingMessage): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
};

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * A request listener serving `routes` by exact path; anything else goes to `fallback` (404 when none).
 * The body is read here, so a fallback must not read it again.
 */
export const localRouteListener =
  (routes: Readonly<Record<string, LocalRoute>>, fallback?: RequestListener): RequestListener =>
  (request, response) => {
    const { pathname, searchParams } = new URL(request.url ?? '/', 'http://localhost');
    const route = Object.hasOwn(routes, pathname) ? routes[pathname] : undefined;
    if (!route) {
      if (fallback) fallback(request, response);
      else response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not Found\n');
      return;
    }
    void (async () => {
      const body = await readBody(request, MAX_BODY_BYTES);
      if (body === undefined) {
        response.writeHead(413, { connection: 'close' }).end();
        return;
      }
      const answer = await route({
        method: request.method ?? 'GET',
        path: pathname,
        query: searchParams,
        headers: headersOf(request),
        body,
      });
      response.writeHead(answer.status, {
        'content-length': String(Buffer.byteLength(answer.body)),
        ...answer.headers,
      });
      response.end(answer.body);
    })().catch((error: unknown) => {
      console.error('local route failed', error);
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  };
