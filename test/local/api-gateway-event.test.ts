import {
  apiGatewayRequestId,
  matchRoute,
  requestTime,
  toApiGatewayEvent,
  traceHeader,
} from '../../local/api-gateway-event';

const ID = '3f1c6a52-9d7e-4a51-8f0e-2b8c1d0e4a77';
const NOW = new Date('2026-11-21T10:00:00.000Z');
/** NOW in epoch seconds, 8 hex digits: the middle of an X-Ray trace id. */
const NOW_HEX = Math.floor(NOW.getTime() / 1000).toString(16);
const TRACE = new RegExp(`^Root=1-${NOW_HEX}-[0-9a-f]{24}$`);

const request = (overrides: Partial<Parameters<typeof toApiGatewayEvent>[0]> = {}) => ({
  method: 'POST',
  url: `/executions/${ID}/approve`,
  rawHeaders: ['Host', '127.0.0.1:3000', 'Content-Type', 'application/json', 'User-Agent', 'curl/8'],
  body: Buffer.from('{"comment":"ok"}'),
  sourceIp: '127.0.0.1',
  now: NOW,
  ...overrides,
});

describe('matchRoute', () => {
  it('prefers the literal action route over the {action} template, as API Gateway does', () => {
    expect(matchRoute('POST', `/executions/${ID}/approve`)).toEqual({
      route: {
        method: 'POST',
        path: '/executions/{executionId}/approve',
        functionName: 'signal',
        action: 'approve',
      },
      pathParameters: { executionId: ID },
    });
    expect(matchRoute('GET', `/executions/${ID}/approve`)).toEqual({
      route: {
        method: 'GET',
        path: '/executions/{executionId}/{action}',
        functionName: 'confirm',
        action: 'confirm',
      },
      pathParameters: { executionId: ID, action: 'approve' },
    });
  });

  it('matches nothing for other methods, paths or extra segments', () => {
    expect(matchRoute('DELETE', `/executions/${ID}/approve`)).toBeUndefined();
    expect(matchRoute('POST', `/executions/${ID}/approve/now`)).toBeUndefined();
    expect(matchRoute('POST', `/executions/${ID}/pause`)).toBeUndefined();
    expect(matchRoute('POST', '/executions//approve')).toBeUndefined();
  });
});

describe('API Gateway formats', () => {
  it('requestContext.time is the access-log format in UTC, as in AWS’s example (12/Mar/2020:19:03:58 +0000)', () => {
    expect(requestTime(new Date('2020-03-12T19:03:58.390Z'))).toBe('12/Mar/2020:19:03:58 +0000');
    expect(requestTime(new Date('2026-01-04T03:02:01.000Z'))).toBe('04/Jan/2026:03:02:01 +0000');
    expect(requestTime(NOW)).toBe('21/Nov/2026:10:00:00 +0000');
  });

  it('request ids are 16 characters ending with "=", as JjvKkhTfIAMEVfw=, and differ', () => {
    const ids = Array.from({ length: 50 }, apiGatewayRequestId);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    expect(new Set(ids).size).toBe(50);
  });

  it('trace ids are Root=1-<epoch seconds in 8 hex>-<24 hex>', () => {
    expect(NOW_HEX).toBe('6b016ba0');
    // The X-Ray documentation's example, Root=1-5759e988-bd862e3fe1be46a994272793, is of 2016-06-09T22:11:20Z.
    expect(traceHeader(new Date('2016-06-09T22:11:20Z'))).toMatch(/^Root=1-5759e988-[0-9a-f]{24}$/);
    expect(traceHeader(NOW)).toMatch(TRACE);
    expect(traceHeader(NOW)).not.toBe(traceHeader(NOW));
  });
});

describe('toApiGatewayEvent', () => {
  it('builds a payload 2.0 event field by field as API Gateway does, with lower-cased headers and a text JSON body', () => {
    const routed = toApiGatewayEvent(
      request({ requestId: 'JjvKkhTfIAMEVfw=', protocol: 'http', port: 3000 }),
    );
    expect(routed?.event).toEqual({
      version: '2.0',
      routeKey: 'POST /executions/{executionId}/approve',
      rawPath: `/executions/${ID}/approve`,
      rawQueryString: '',
      headers: {
        host: '127.0.0.1:3000',
        'content-type': 'application/json',
        'user-agent': 'curl/8',
        'x-amzn-trace-id': expect.stringMatching(TRACE),
        'x-forwarded-for': '127.0.0.1',
        'x-forwarded-port': '3000',
        'x-forwarded-proto': 'http',
      },
      requestContext: {
        accountId: '123456789012',
        apiId: 'local',
        domainName: '127.0.0.1',
        domainPrefix: '127',
        http: {
          method: 'POST',
          path: `/executions/${ID}/approve`,
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'curl/8',
        },
        requestId: 'JjvKkhTfIAMEVfw=',
        routeKey: 'POST /executions/{executionId}/approve',
        stage: '$default',
        time: '21/Nov/2026:10:00:00 +0000',
        timeEpoch: NOW.getTime(),
      },
      pathParameters: { executionId: ID },
      body: '{"comment":"ok"}',
      isBase64Encoded: false,
    });
  });

  it('base64-encodes a form body, as HTTP APIs do for non-text content types', () => {
    const routed = toApiGatewayEvent(
      request({
        rawHeaders: ['Content-Type', 'application/x-www-form-urlencoded'],
        body: Buffer.from('token=a.b.c&comment=yes'),
      }),
    );
    expect(routed?.event.body).toBe(Buffer.from('token=a.b.c&comment=yes').toString('base64'));
    expect(routed?.event.isBase64Encoded).toBe(true);
  });

  it('keeps the raw query string, joins repeated parameters and headers with commas, and splits cookies', () => {
    const routed = toApiGatewayEvent(
      request({
        method: 'GET',
        url: `/executions/${ID}/reject?token=a%2Eb&x=1&x=2`,
        rawHeaders: ['X-Forwarded-For', '10.0.0.1', 'x-forwarded-for', '10.0.0.2', 'Cookie', 'a=1; b=2'],
        body: Buffer.alloc(0),
      }),
    );
    expect(routed?.event).toMatchObject({
      routeKey: 'GET /executions/{executionId}/{action}',
      rawQueryString: 'token=a%2Eb&x=1&x=2',
      queryStringParameters: { token: 'a.b', x: '1,2' },
      // API Gateway appends the caller's address to what the caller sent.
      headers: { 'x-forwarded-for': '10.0.0.1,10.0.0.2, 127.0.0.1' },
      cookies: ['a=1', 'b=2'],
      pathParameters: { executionId: ID, action: 'reject' },
      isBase64Encoded: false,
    });
    expect(routed?.event.body).toBeUndefined();
  });

  it('as deployed (the defaults): https on 443, the domain name as API Gateway’s, a fresh request id', () => {
    const host = 'abc123xyz9.execute-api.eu-west-1.amazonaws.com';
    const routed = toApiGatewayEvent(request({ rawHeaders: ['Host', host], sourceIp: '198.51.100.7' }));
    expect(routed?.event.headers).toEqual({
      host,
      'x-amzn-trace-id': expect.stringMatching(TRACE),
      'x-forwarded-for': '198.51.100.7',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
    });
    expect(routed?.event.requestContext).toMatchObject({
      domainName: host,
      domainPrefix: 'abc123xyz9',
      requestId: expect.stringMatching(/^[A-Za-z0-9_-]{15}=$/),
      http: { sourceIp: '198.51.100.7', userAgent: '' },
    });
  });

  it('keeps a trace id the caller sent, and drops the port of an IPv6 host', () => {
    const routed = toApiGatewayEvent(
      request({
        rawHeaders: ['Host', '[::1]:3000', 'X-Amzn-Trace-Id', 'Root=1-5e1b4151-5ac6c58f5b7c8e3d2f1a0b9c'],
      }),
    );
    expect(routed?.event.headers['x-amzn-trace-id']).toBe('Root=1-5e1b4151-5ac6c58f5b7c8e3d2f1a0b9c');
    expect(routed?.event.requestContext).toMatchObject({ domainName: '[::1]', domainPrefix: '[::1]' });
  });

  it('returns nothing for a path no route serves', () => {
    expect(toApiGatewayEvent(request({ url: '/health' }))).toBeUndefined();
  });
});
