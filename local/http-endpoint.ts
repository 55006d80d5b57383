/**
 * The HTTP server every local stand-in runs on (the SES v2, STS and Lambda endpoints, the Slack Web API, the
 * Teams webhook): it reads each request's body up to a limit, hands the request to the stand-in's handler
 * and writes the answer with its Content-Length, listens on a host and port (0: a free one) and closes
 * every connection on close. What differs between the stand-ins (the answer to a body too large, what a
 * failure to answer does) is an option.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './read-body';
import { headersOf } from './slack/local-route';

/** A request as a handler gets it, its body read (the shape `local/sigv4/verify.ts` verifies). */
export interface EndpointRequest {
  /** `GET`, `POST`, … */
  readonly method: string;
  /** Path and query exactly as received (`req.url`). */
  readonly url: string;
  /** Lower-case names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** An answer: written with these headers and a Content-Length for `body`. */
export interface EndpointResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface LocalEndpointOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  /** A larger body is not handed to `handle`: it is answered with `tooLarge`. */
  readonly maxBodyBytes: number;
  /**
   * The answer to a body larger than `maxBodyBytes`.
   * @default a bare 413: `Connection: close`, no body (and no Content-Length)
   */
  readonly tooLarge?: () => EndpointResponse;
  /** Answers one request. */
  readonly handle: (request: EndpointRequest) => EndpointResponse | Promise<EndpointResponse>;
  /**
   * Called when reading, handling or answering a request throws.
   * @default destroys the response: the client went away mid-request, there is no one to answer
   */
  readonly onFailure?: (error: unknown, response: ServerResponse) => void;
}

export interface LocalEndpoint {
  /** `http://<host>:<port>`, an IPv6 host in brackets. */
  readonly url: string;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

const write = (res: ServerResponse, response: EndpointResponse): void => {
  res.writeHead(response.status, {
    ...response.headers,
    'content-length': String(Buffer.byteLength(response.body)),
  });
  res.end(response.body);
};

/** Starts a stand-in's HTTP server; resolves once it listens. */
export const startLocalEndpoint = async (options: LocalEndpointOptions): Promise<LocalEndpoint> => {
  const onFailure = options.onFailure ?? ((_error: unknown, res: ServerResponse) => res.destroy());
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req, options.maxBodyBytes);
      if (body === undefined) {
        if (options.tooLarge) write(res, options.tooLarge());
        else res.writeHead(413, { connection: 'close' }).end();
        return;
      }
      write(
        res,
        await options.handle({
          method: req.method ?? '',
          url: req.url ?? '/',
          headers: headersOf(req),
          body,
        }),
      );
    })().catch((error: unknown) => onFailure(error, res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
};
