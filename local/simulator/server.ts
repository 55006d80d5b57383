/**
 * The simulator's HTTP server: Node's http module around protocol.handleRequest.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../read-body';
import { handleRequest, type ProtocolDependencies } from './protocol';
import type { ReceivedRequest } from './sigv4';

/** Larger bodies are refused with 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

const headersOf = (req: IncomingMessage): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
};

const listener =
  (deps: ProtocolDependencies) =>
  async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body: Buffer | undefined;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch {
      // The client went away mid-request: there is no one to answer.
      return;
    }
    if (body === undefined) {
      res.writeHead(413, { connection: 'close' }).end();
      return;
    }
    const received: ReceivedRequest = {
      method: req.method ?? '',
      url: req.url ?? '/',
      headers: headersOf(req),
      body,
    };
    const response = await handleRequest(received, deps);
    res.writeHead(response.status, {
      ...response.headers,
      'Content-Length': Buffer.byteLength(response.body),
    });
    res.end(response.body);
  };

export interface RunningServer {
  readonly server: Server;
  readonly url: string;
  /** Stops listening and closes every connection, idle keep-alive ones included. */
  close(): Promise<void>;
}

/** Listens on host:port (port 0: an ephemeral port). */
export const listen = async (
  deps: ProtocolDependencies,
  host: string,
  port: number,
): Promise<RunningServer> => {
  const server = createServer((req, res) => {
    void listener(deps)(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${urlHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
};
