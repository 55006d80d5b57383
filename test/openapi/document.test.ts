/**
 * The OpenAPI document: committed as generated, valid OpenAPI 3.1 by a standard validator, exactly the
 * routes of ROUTES, the very schemas the handlers validate with, response schemas that the real response
 * builders satisfy with no undocumented field, and served as is at GET /openapi.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AutomationExecutionNotFoundException,
  InvalidAutomationSignalException,
  SSMClient,
  ThrottlingException,
} from '@aws-sdk/client-ssm';
import Ajv2020 from 'ajv/dist/2020';
import { mockClient } from 'aws-sdk-client-mock';
import type { ApiIdentity } from '../../lambda/auth/authenticate';
import { prepareSignal, prepareStop } from '../../lambda/core/decisions';
import {
  AuthenticationError,
  OutcomeUnknownError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../lambda/core/errors';
import { toProblem } from '../../lambda/core/problem';
import {
  alreadyApprovedResponse,
  alreadyDoneResponse,
  decisionResponse,
  problemResponse,
} from '../../lambda/core/responses';
import {
  DECISION_BODY_SCHEMA,
  EXECUTION_ID_SCHEMA,
  SIGNAL_BODY_SCHEMA,
  SLACK_INTERACTION_FORM_SCHEMA,
  STOP_BODY_SCHEMA,
} from '../../lambda/core/schemas';
import { parseExecutionId } from '../../lambda/core/validation';
import type { GateView } from '../../lambda/gate/execution-view';
import {
  API_VERSION,
  buildOpenApiDocument,
  SLACK_SIGNATURE_HEADER_NAME,
  SLACK_TIMESTAMP_HEADER_NAME,
} from '../../lambda/openapi/document';
import { formattedDocument, OPENAPI_FILE } from '../../lambda/openapi/generate';
import { OPENAPI_JSON } from '../../lambda/openapi/serve';
import type { Tally } from '../../lambda/quorum/tally';
import { ROUTES, routeKey } from '../../lambda/routes';
import { SLACK_SIGNATURE_HEADER, SLACK_TIMESTAMP_HEADER } from '../../lambda/slack/request-signature';
import { apiEvent, context } from '../support/events';
import { useTestSecret } from '../support/secrets';
import { validateOpenApi } from './openapi-validator';

useTestSecret();
const ssm = mockClient(SSMClient);
const { handler } =
  require('../../lambda/handlers/confirm') as typeof import('../../lambda/handlers/confirm');

type Json = Record<string, unknown>;
type Operation = {
  operationId: string;
  security: unknown[];
  parameters?: Json[];
  requestBody?: Json;
  responses: Record<string, Json>;
};

const ID = '3f1c6a52-9d7e-4a51-8f0e-2b8c1d0e4a77';
const committed = (): string => readFileSync(OPENAPI_FILE, 'utf8');
const document = buildOpenApiDocument() as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json>; parameters: Record<string, Json>; responses?: unknown };
};
const operations = (): Array<[string, Operation]> =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(
      ([method, operation]) => [`${method.toUpperCase()} ${path}`, operation] as [string, Operation],
    ),
  );
const operation = (key: string): Operation => {
  const found = operations().find(([k]) => k === key);
  if (!found) throw new Error(`no operation ${key}`);
  return found[1];
};

describe('docs/openapi.json', () => {
  it('is the generated document, byte for byte (after a route or schema change: npm run openapi)', () => {
    expect(committed()).toBe(formattedDocument());
  });

  it('is valid OpenAPI 3.1 for a standard validator', () => {
    expect(validateOpenApi(JSON.parse(committed()))).toEqual({ valid: true, version: '3.1' });
  });

  it('is checked by a validator that does refuse a broken document', () => {
    // A media type object has no `description` in OpenAPI 3.1 (an early draft of this document had one).
    const broken = JSON.parse(committed()) as typeof document;
    const get = (broken.paths['/openapi.json'] as Record<string, Operation>).get as Operation;
    const content = (get.responses['200'] as { content: Record<string, Json> }).content;
    content['application/json'] = { ...content['application/json'], description: 'not allowed here' };
    const result = validateOpenApi(broken);
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          instancePath: '/paths/~1openapi.json/get/responses/200/content/application~1json',
          params: { unevaluatedProperty: 'description' },
        }),
      ]),
    );
  });
});

describe('routes', () => {
  it('describes exactly the routes of ROUTES, no more and no fewer', () => {
    expect(
      operations()
        .map(([key]) => key)
        .sort(),
    ).toEqual(ROUTES.map(routeKey).sort());
  });

  it('is built from the route table it is given', () => {
    const only = buildOpenApiDocument(ROUTES.filter((route) => route.action === 'stop')) as typeof document;
    expect(Object.keys(only.paths)).toEqual(['/executions/{executionId}/stop']);
  });

  it.each([
    [
      'POST /executions/{executionId}/approve',
      'approveExecution',
      [{ apiToken: [] }, { linkToken: [] }],
      ['200', '400', '401', '403', '404', '409', '413', '415', '429', '500', '502', '503', '504'],
    ],
    [
      'POST /executions/{executionId}/reject',
      'rejectExecution',
      [{ apiToken: [] }, { linkToken: [] }],
      ['200', '400', '401', '403', '404', '409', '413', '415', '429', '500', '502', '503', '504'],
    ],
    [
      'POST /executions/{executionId}/signal',
      'signalExecution',
      [{ apiToken: [] }],
      ['200', '400', '401', '403', '404', '409', '413', '415', '429', '500', '502', '503', '504'],
    ],
    [
      'POST /executions/{executionId}/stop',
      'stopExecution',
      [{ apiToken: [] }, { linkToken: [] }],
      ['200', '400', '401', '403', '404', '409', '413', '415', '429', '500', '502', '503', '504'],
    ],
    [
      'GET /executions/{executionId}/{action}',
      'showConfirmationPage',
      [{ linkToken: [] }],
      ['200', '400', '401', '403', '404', '429', '500', '502', '503'],
    ],
    [
      'POST /slack/interactions',
      'receiveSlackInteraction',
      [{ slackSignature: [] }],
      ['200', '400', '401', '429', '500', '503'],
    ],
    ['GET /openapi.json', 'getOpenApiDocument', [], ['200', '429']],
  ])('%s: operation %s, its security and its statuses', (key, operationId, security, statuses) => {
    const described = operation(key);
    expect(described.operationId).toBe(operationId);
    expect(described.security).toEqual(security);
    expect(Object.keys(described.responses).sort()).toEqual(statuses);
  });

  it('describes approve with the form and JSON body, problem+json errors and their HTML twins', () => {
    const approve = operation('POST /executions/{executionId}/approve');
    expect(approve.parameters).toEqual([{ $ref: '#/components/parameters/ExecutionId' }]);
    expect(approve.requestBody).toEqual({
      required: false,
      content: {
        'application/json': { schema: { $ref: '#/components/schemas/DecisionBody' } },
        'application/x-www-form-urlencoded': { schema: { $ref: '#/components/schemas/DecisionBody' } },
      },
    });
    expect(approve.responses['200']?.content).toEqual({
      'application/json': {
        schema: {
          oneOf: [
            { $ref: '#/components/schemas/SignalResult' },
            { $ref: '#/components/schemas/AlreadyDone' },
          ],
        },
      },
      'text/html': {
        schema: {
          type: 'string',
          description: 'The result page, for a browser posting the confirmation form.',
        },
      },
    });
    expect(approve.responses['401']).toEqual({
      description:
        'Missing or invalid credentials. A browser posting the confirmation form (form-encoded, Accept: text/html) gets an HTML page with the same meaning.',
      headers: { 'WWW-Authenticate': { $ref: '#/components/headers/WWW-Authenticate' } },
      content: {
        'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
        'text/html': { schema: { type: 'string' } },
      },
    });
    expect(approve.responses['503']?.headers).toEqual({
      'Retry-After': { $ref: '#/components/headers/Retry-After' },
    });
    expect(approve.responses['429']).toEqual({
      description: "API Gateway's stage throttling: too many requests. Try again later.",
      content: { 'application/json': { schema: { $ref: '#/components/schemas/GatewayMessage' } } },
    });
  });

  it('describes the confirmation page with its query token, and answers only in HTML', () => {
    const confirm = operation('GET /executions/{executionId}/{action}');
    expect(confirm.parameters).toEqual([
      { $ref: '#/components/parameters/ExecutionId' },
      { $ref: '#/components/parameters/LinkAction' },
      { $ref: '#/components/parameters/LinkToken' },
    ]);
    expect(document.components.parameters.LinkAction).toEqual({
      name: 'action',
      in: 'path',
      required: true,
      schema: {
        type: 'string',
        description: 'The action the link was made for.',
        enum: ['approve', 'reject', 'stop'],
      },
    });
    expect(document.components.parameters.LinkToken).toMatchObject({
      name: 'token',
      in: 'query',
      required: true,
    });
    for (const [status, response] of Object.entries(confirm.responses)) {
      expect([status, Object.keys(response.content as Json)]).toEqual([
        status,
        status === '429' ? ['application/json'] : ['text/html'],
      ]);
    }
  });

  it("describes Slack's signed form and its headers with the names the function checks", () => {
    const slack = operation('POST /slack/interactions');
    expect(slack.requestBody).toEqual({
      required: true,
      content: {
        'application/x-www-form-urlencoded': {
          schema: { $ref: '#/components/schemas/SlackInteractionForm' },
        },
      },
    });
    expect(SLACK_SIGNATURE_HEADER_NAME.toLowerCase()).toBe(SLACK_SIGNATURE_HEADER);
    expect(SLACK_TIMESTAMP_HEADER_NAME.toLowerCase()).toBe(SLACK_TIMESTAMP_HEADER);
    expect(document.components.parameters.SlackSignature).toMatchObject({
      name: 'X-Slack-Signature',
      in: 'header',
      required: true,
    });
    expect(document.components.parameters.SlackRequestTimestamp).toMatchObject({
      name: 'X-Slack-Request-Timestamp',
      in: 'header',
      required: true,
    });
  });

  it('names its version after the package', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(API_VERSION).toBe(pkg.version);
  });
});

describe('schemas', () => {
  it('publishes the very schema objects the handlers validate with', () => {
    const { schemas } = document.components;
    expect(schemas.ExecutionId).toBe(EXECUTION_ID_SCHEMA);
    expect(schemas.DecisionBody).toBe(DECISION_BODY_SCHEMA);
    expect(schemas.StopBody).toBe(STOP_BODY_SCHEMA);
    expect(schemas.SignalBody).toBe(SIGNAL_BODY_SCHEMA);
    expect(schemas.SlackInteractionForm).toBe(SLACK_INTERACTION_FORM_SCHEMA);
  });

  it('gives an execution id example that the handlers accept', () => {
    expect(parseExecutionId((EXECUTION_ID_SCHEMA.examples as string[])[0])).toBe(ID);
  });

  it('writes the signal rules per type: the payload key, and whether it is required', () => {
    const variants = (SIGNAL_BODY_SCHEMA.oneOf as Json[]).map((variant) => {
      const payload = (variant.properties as { payload: Json }).payload;
      return [variant.title, variant.required, Object.keys(payload.properties as Json), payload.required];
    });
    expect(variants).toEqual([
      ['Approve', ['signalType'], ['Comment'], undefined],
      ['Reject', ['signalType'], ['Comment'], undefined],
      ['StartStep', ['signalType', 'payload'], ['StepName'], ['StepName']],
      ['StopStep', ['signalType', 'payload'], ['StepExecutionId'], ['StepExecutionId']],
      ['Resume', ['signalType', 'payload'], ['StepName'], ['StepName']],
    ]);
    expect(SIGNAL_BODY_SCHEMA.discriminator).toEqual({ propertyName: 'signalType' });
  });
});

/**
 * Every component schema as strict JSON Schema 2020-12, and a copy of each in which objects take no
 * field they do not declare: a response with an undocumented field fails it.
 */
const strictCopy = (schema: unknown): unknown => {
  if (Array.isArray(schema)) return schema.map(strictCopy);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] =
      key === '$ref' && typeof value === 'string'
        ? value.replace('#/components/schemas/', 'urn:strict:')
        : key === 'properties' || key === '$defs'
          ? Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, strictCopy(v)]))
          : strictCopy(value);
  }
  if (out.properties !== undefined && out.additionalProperties === undefined)
    out.additionalProperties = false;
  return out;
};
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, discriminator: true, validateFormats: false });
for (const [name, schema] of Object.entries(document.components.schemas)) {
  ajv.addSchema(strictCopy(schema) as object, `urn:strict:${name}`);
}
const conforms = (name: string, body: unknown): unknown => {
  const validate = ajv.getSchema(`urn:strict:${name}`);
  if (!validate) throw new Error(`no schema ${name}`);
  return validate(body) ? 'conforms' : validate.errors;
};

const API: ApiIdentity = {
  kind: 'api',
  channel: 'api',
  name: 'jira',
  scope: { actions: ['approve', 'reject', 'stop', 'signal', 'complete'], runbooks: ['*'] },
};

describe('responses as the handlers build them', () => {
  it.each([
    ['approve', { comment: 'CHG-1234 reviewed' }],
    ['reject', {}],
    ['signal', { signalType: 'StartStep', payload: { StepName: 'deploy' } }],
    ['signal', { signalType: 'Resume', payload: { StepName: ['deploy'] } }],
  ] as const)('%s %j answers a documented SignalResult', (action, body) => {
    expect(conforms('SignalResult', prepareSignal(action, ID, { ...body }, API).result)).toBe('conforms');
  });

  it('stop answers a documented StopResult', () => {
    expect(conforms('StopResult', prepareStop(ID, { type: 'Complete' }, API).result)).toBe('conforms');
  });

  it('an already made decision answers a documented AlreadyDone', () => {
    const { result } = prepareSignal('approve', ID, {}, API);
    const response = alreadyDoneResponse('json', result, {
      kind: 'already',
      gate: { stepName: 'ApproveProduction' } as GateView,
      at: new Date('2026-03-01T10:00:00Z'),
    });
    expect(JSON.parse(response.body)).toEqual({
      executionId: ID,
      action: 'approve',
      alreadyDone: true,
      gate: 'ApproveProduction',
      decidedAt: '2026-03-01T10:00:00.000Z',
    });
    expect(conforms('AlreadyDone', JSON.parse(response.body))).toBe('conforms');
  });

  it.each([
    new ValidationError('invalid-field', "'comment' must be a string."),
    new AuthenticationError('missing-credentials', 'No credentials.'),
    new PayloadTooLargeError('body-too-large', 'Too large.'),
    new UnsupportedMediaTypeError('unsupported-media-type', 'Not JSON.'),
    new OutcomeUnknownError('outcome-unknown', 'Unknown.'),
    new AutomationExecutionNotFoundException({ message: 'x', $metadata: {} }),
    new InvalidAutomationSignalException({ message: 'x', $metadata: {} }),
    new ThrottlingException({ Message: 'x', message: 'x', $metadata: {} }),
    new Error('boom'),
  ])('%p is a documented Problem, with a status and headers every decision route documents', (error) => {
    const problem = toProblem(error);
    const response = problemResponse(problem, 'json');
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(conforms('Problem', JSON.parse(response.body))).toBe('conforms');
    for (const key of [
      'POST /executions/{executionId}/approve',
      'POST /executions/{executionId}/signal',
      'POST /executions/{executionId}/stop',
    ]) {
      const documented = operation(key).responses[String(problem.status)];
      expect(documented?.content).toHaveProperty(['application/problem+json']);
      const sentHeaders = Object.keys(problem.headers ?? {}).sort();
      const documentedHeaders = Object.keys((documented?.headers as Json | undefined) ?? {})
        .map((name) => name.toLowerCase())
        .sort();
      expect(documentedHeaders).toEqual(sentHeaders);
    }
  });

  describe('a gate that needs two people', () => {
    const tally: Tally = {
      needed: 2,
      approvals: [
        { person: 'alice@example.com', via: 'e-mail link', seat: 'arn:aws:iam::123456789012:role/Seat1' },
      ],
      remaining: 1,
    };

    it('an approval that leaves the gate waiting answers a documented SignalResult with its quorum', () => {
      const { result } = prepareSignal('approve', ID, {}, API);
      const body = JSON.parse(
        decisionResponse('json', result, { recordedFor: 'jira', at: new Date(), tally }).body,
      ) as Json;
      expect(body.quorum).toEqual({
        needed: 2,
        approved: 1,
        remaining: 1,
        approvers: ['alice@example.com'],
        summary: 'Approval recorded: 1 of 2 approvals: alice@example.com; 1 more needed',
      });
      expect(conforms('SignalResult', body)).toBe('conforms');
    });

    it("the same person's second approval answers a documented AlreadyDone with its quorum", () => {
      const { result } = prepareSignal('approve', ID, {}, API);
      const body = JSON.parse(
        alreadyApprovedResponse('json', result, {
          gate: { stepName: 'ApproveProduction' } as GateView,
          tally,
        }).body,
      ) as Json;
      expect(body).toEqual({
        executionId: ID,
        action: 'approve',
        alreadyDone: true,
        gate: 'ApproveProduction',
        quorum: {
          needed: 2,
          approved: 1,
          remaining: 1,
          approvers: ['alice@example.com'],
          summary: 'Already approved by you: 1 of 2 approvals: alice@example.com; 1 more needed',
        },
      });
      expect(conforms('AlreadyDone', body)).toBe('conforms');
    });
  });

  it('the strict copies do refuse an undocumented field', () => {
    const { result } = prepareStop(ID, {}, API);
    expect(conforms('StopResult', { ...result, extra: 1 })).toEqual([
      expect.objectContaining({ keyword: 'additionalProperties', params: { additionalProperty: 'extra' } }),
    ]);
  });
});

describe('GET /openapi.json', () => {
  beforeEach(() => ssm.reset());

  it('answers the committed document, publicly cacheable, without calling SSM', async () => {
    const response = await handler(apiEvent({ method: 'GET', path: '/openapi.json' }), context());
    expect(response).toEqual({
      statusCode: 200,
      headers: {
        'content-type': 'application/json',
        'cache-control': 'public, max-age=300',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
        'x-frame-options': 'DENY',
      },
      body: OPENAPI_JSON,
    });
    expect(JSON.parse(response.body)).toEqual(JSON.parse(committed()));
    expect(ssm.calls()).toHaveLength(0);
  });
});
