import { matchRoute, toApiGatewayEvent } from '../../local/api-gateway-event';

const ID = '3f1c6a52-9d7e-4a51-8f0e-2b8c1d0e4a77';
const NOW = new Date('2026-11-21T10:00:00.000Z');

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

describe('toApiGatewayEvent', () => {
  it('builds a payload 2.0 event with lower-cased headers and a text JSON body', () => {
    const routed = toApiGatewayEvent(request());
    expect(routed?.event).toEqual({
      version: '2.0',
      routeKey: 'POST /executions/{executionId}/approve',
      rawPath: `/executions/${ID}/approve`,
      rawQueryString: '',
      headers: { host: '127.0.0.1:3000', 'content-type': 'application/json', 'user-agent': 'curl/8' },
      requestContext: {
        accountId: '123456789012',
        apiId: 'local',
        domainName: '127.0.0.1:3000',
        domainPrefix: '127',
        http: {
          method: 'POST',
          path: `/executions/${ID}/approve`,
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'curl/8',
        },
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        routeKey: 'POST /executions/{executionId}/approve',
        stage: '$default',
        time: '2026-11-21T10:00:00.000Z',
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
      headers: { 'x-forwarded-for': '10.0.0.1,10.0.0.2' },
      cookies: ['a=1', 'b=2'],
      pathParameters: { executionId: ID, action: 'reject' },
      isBase64Encoded: false,
    });
    expect(routed?.event.body).toBeUndefined();
  });

  it('returns nothing for a path no route serves', () => {
    expect(toApiGatewayEvent(request({ url: '/health' }))).toBeUndefined();
  });
});
