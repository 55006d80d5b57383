/**
 * The OpenAPI 3.1 description of the HTTP API, built from the route table (lambda/routes.ts) and the very
 * schemas the handlers validate with (lambda/core/schemas.ts). It is served at `GET /openapi.json` and
 * committed as docs/openapi.json (`npm run openapi`); test/openapi checks that the committed file is this
 * document, that a standard validator accepts it, and that it has exactly the routes of ROUTES.
 *
 * Every route's operation comes from OPERATIONS, keyed by the route's action: a new action does not
 * compile until it is described here.
 */
import { AUTH_REALM } from '../auth/authenticate';
import { FORM_CONTENT_TYPE } from '../core/event';
import { THROTTLED_RETRY_AFTER_SECONDS } from '../core/problem';
import {
  CONFIRM_QUERY_SCHEMA,
  DECISION_BODY_SCHEMA,
  EXECUTION_ID_SCHEMA,
  type JsonSchema,
  LINK_ACTION_SCHEMA,
  SIGNAL_BODY_SCHEMA,
  SLACK_INTERACTION_FORM_SCHEMA,
  SLACK_SIGNATURE_HEADER_SCHEMA,
  SLACK_TIMESTAMP_HEADER_SCHEMA,
  STOP_BODY_SCHEMA,
} from '../core/schemas';
import { ROUTES, type RouteAction, type RouteDefinition } from '../routes';
import {
  ALREADY_DONE_SCHEMA,
  GATEWAY_MESSAGE_SCHEMA,
  PROBLEM_SCHEMA,
  QUORUM_SCHEMA,
  SIGNAL_RESULT_SCHEMA,
  SLACK_MODAL_ERRORS_SCHEMA,
  STOP_RESULT_SCHEMA,
} from './response-schemas';

/** The OpenAPI version of the document (3.1: its schemas are JSON Schema draft 2020-12). */
export const OPENAPI_VERSION = '3.1.1';
/** The API's version: the package's (test/openapi checks they agree). */
export const API_VERSION = '0.1.0';
/** Served with `Cache-Control: public, max-age=…`: it changes only with a deployment. */
export const OPENAPI_MAX_AGE_SECONDS = 300;

/** Header names as Slack sends them (API Gateway hands them to the function in lower case). */
export const SLACK_SIGNATURE_HEADER_NAME = 'X-Slack-Signature';
export const SLACK_TIMESTAMP_HEADER_NAME = 'X-Slack-Request-Timestamp';

type Json = { readonly [key: string]: unknown };

const schemaRef = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const parameterRef = (name: string): Json => ({ $ref: `#/components/parameters/${name}` });

const JSON_TYPE = 'application/json';
const PROBLEM_TYPE = 'application/problem+json';
const HTML_TYPE = 'text/html';

/** How a route answers a failure: problem+json, or also an HTML page to a browser's form post, or only pages. */
type ErrorFormat = 'json' | 'json-or-page' | 'page';

const ERROR_STATUSES: Readonly<Record<number, { readonly description: string; readonly headers?: Json }>> = {
  400: {
    description:
      'Malformed request: execution id, body, JSON, field values, unknown signal type, missing StepName or StepExecutionId.',
  },
  401: {
    description: 'Missing or invalid credentials.',
    headers: { 'WWW-Authenticate': { $ref: '#/components/headers/WWW-Authenticate' } },
  },
  403: {
    description:
      'Valid credentials that do not allow this execution or action (scope, another execution, an expired link).',
  },
  404: {
    description:
      'SSM has no such execution or step (AutomationExecutionNotFoundException, AutomationStepNotFoundException).',
  },
  409: {
    description:
      "SSM does not take the decision now (already decided, not waiting, not stoppable), or the link's or button's gate no longer waits.",
  },
  413: { description: 'The body is larger than any valid request.' },
  415: { description: `The body is neither JSON nor ${FORM_CONTENT_TYPE}.` },
  500: { description: 'Unexpected failure; the details are only in the log.' },
  502: {
    description:
      "SSM failed, refused the webhook's own credentials, could not be reached before sending, or answered something unreadable. The detail says what to check.",
  },
  503: {
    description: `SSM throttled or was unavailable after retries, or the webhook could not read its configuration in time. Nothing was changed: try again after Retry-After seconds.`,
    headers: { 'Retry-After': { $ref: '#/components/headers/Retry-After' } },
  },
  504: {
    description:
      'Outcome unknown: the call may have reached SSM and the execution does not show the outcome yet. Do not retry blindly; read the execution.',
  },
};

const errorContent = (format: ErrorFormat): Json => ({
  ...(format === 'page' ? {} : { [PROBLEM_TYPE]: { schema: schemaRef('Problem') } }),
  ...(format === 'json' ? {} : { [HTML_TYPE]: { schema: { type: 'string' } } }),
});

/** API Gateway answers 429 itself when the stage's throttling limits are hit: not the webhook's problem+json. */
const GATEWAY_THROTTLED: Json = {
  description: "API Gateway's stage throttling: too many requests. Try again later.",
  content: { [JSON_TYPE]: { schema: schemaRef('GatewayMessage') } },
};

const errorResponses = (statuses: readonly number[], format: ErrorFormat): Json =>
  Object.fromEntries([
    ...statuses.map((status) => {
      const { description, headers } = ERROR_STATUSES[status] as (typeof ERROR_STATUSES)[number];
      const pageNote =
        format === 'json-or-page'
          ? ' A browser posting the confirmation form (form-encoded, Accept: text/html) gets an HTML page with the same meaning.'
          : '';
      return [
        String(status),
        {
          description: `${description}${pageNote}`,
          ...(headers ? { headers } : {}),
          content: errorContent(format),
        },
      ];
    }),
    ['429', GATEWAY_THROTTLED],
  ]);

const MUTATING_ERRORS = [400, 401, 403, 404, 409, 413, 415, 500, 502, 503, 504] as const;

const bodyOf = (schema: string, forms: boolean, required: boolean): Json => ({
  required,
  content: {
    [JSON_TYPE]: { schema: schemaRef(schema) },
    ...(forms ? { [FORM_CONTENT_TYPE]: { schema: schemaRef(schema) } } : {}),
  },
});

const decisionSuccess = (result: string, description: string): Json => ({
  '200': {
    description,
    content: {
      [JSON_TYPE]: { schema: { oneOf: [schemaRef(result), schemaRef('AlreadyDone')] } },
      [HTML_TYPE]: {
        schema: {
          type: 'string',
          description: 'The result page, for a browser posting the confirmation form.',
        },
      },
    },
  },
});

/** People with a link, or API clients with a token (the same operations, told apart by the credential). */
const LINK_OR_API = [{ apiToken: [] }, { linkToken: [] }];

const decide = (action: 'approve' | 'reject'): Json => ({
  operationId: `${action}Execution`,
  tags: ['Decisions'],
  summary: `${action === 'approve' ? 'Approve' : 'Reject'} the waiting approval step (SendAutomationSignal ${action === 'approve' ? 'Approve' : 'Reject'})`,
  description:
    "Reads the execution first: a link or button bound to one approval step acts only while that step waits (409 naming both gates otherwise). With a link token, the confirmation page's form posts the token back in the `token` field.",
  parameters: [parameterRef('ExecutionId')],
  requestBody: bodyOf('DecisionBody', true, false),
  responses: {
    ...decisionSuccess('SignalResult', 'SSM accepted the signal, or already showed it.'),
    ...errorResponses(MUTATING_ERRORS, 'json-or-page'),
  },
  security: LINK_OR_API,
});

const OPERATIONS: Readonly<Record<RouteAction, () => Json>> = {
  approve: () => decide('approve'),
  reject: () => decide('reject'),
  signal: () => ({
    operationId: 'signalExecution',
    tags: ['Decisions'],
    summary: 'Send any SSM Automation signal (SendAutomationSignal)',
    description: 'For API clients whose scope allows `signal`. Links never grant it.',
    parameters: [parameterRef('ExecutionId')],
    requestBody: bodyOf('SignalBody', false, true),
    responses: {
      '200': {
        description: 'SSM accepted the signal, or already showed it.',
        content: {
          [JSON_TYPE]: { schema: { oneOf: [schemaRef('SignalResult'), schemaRef('AlreadyDone')] } },
        },
      },
      ...errorResponses(MUTATING_ERRORS, 'json'),
    },
    security: [{ apiToken: [] }],
  }),
  stop: () => ({
    operationId: 'stopExecution',
    tags: ['Decisions'],
    summary: 'Stop the execution (StopAutomationExecution)',
    description:
      'SSM has no approver check for stopping, so this route is guarded like the decisions. A stop link cancels only; `Complete` needs an API client whose scope allows `complete`.',
    parameters: [parameterRef('ExecutionId')],
    requestBody: bodyOf('StopBody', true, false),
    responses: {
      ...decisionSuccess('StopResult', 'SSM accepted the stop, or the execution had already stopped so.'),
      ...errorResponses(MUTATING_ERRORS, 'json-or-page'),
    },
    security: LINK_OR_API,
  }),
  confirm: () => ({
    operationId: 'showConfirmationPage',
    tags: ['Links'],
    summary: "A link's confirmation page (changes nothing)",
    description:
      "What an approval link opens: the execution, the waiting gate and a button that POSTs to the action's route. A GET never acts, so mail scanners that prefetch links change nothing. When the link's gate no longer waits, or the decision was already made, the page says so instead of offering a button.",
    parameters: [parameterRef('ExecutionId'), parameterRef('LinkAction'), parameterRef('LinkToken')],
    responses: {
      '200': {
        description: 'The confirmation page.',
        content: { [HTML_TYPE]: { schema: { type: 'string' } } },
      },
      ...errorResponses([400, 401, 403, 404, 500, 502, 503], 'page'),
    },
    security: [{ linkToken: [] }],
  }),
  slack: () => ({
    operationId: 'receiveSlackInteraction',
    tags: ['Slack'],
    summary: "Slack's interactivity Request URL: button clicks and modal submissions",
    description:
      "Answers within Slack's 3 seconds and carries the decision out asynchronously. The clicker, not the message, is the credential: a click that may not act is answered 200 and the clicker alone is told why.",
    parameters: [parameterRef('SlackSignature'), parameterRef('SlackRequestTimestamp')],
    requestBody: {
      required: true,
      content: { [FORM_CONTENT_TYPE]: { schema: schemaRef('SlackInteractionForm') } },
    },
    responses: {
      '200': {
        description:
          'Received: an empty body. A modal submission that cannot act is answered with `response_action: errors`, which keeps the modal open.',
        content: { [JSON_TYPE]: { schema: schemaRef('SlackModalErrors') } },
      },
      ...errorResponses([400, 401, 500, 503], 'json'),
    },
    security: [{ slackSignature: [] }],
  }),
  openapi: () => ({
    operationId: 'getOpenApiDocument',
    tags: ['Meta'],
    summary: 'This document',
    responses: {
      '200': {
        description: 'The OpenAPI 3.1 description of the API (also docs/openapi.json in the repository).',
        headers: {
          'Cache-Control': {
            schema: { type: 'string', const: `public, max-age=${OPENAPI_MAX_AGE_SECONDS}` },
          },
        },
        content: { [JSON_TYPE]: { schema: { type: 'object' } } },
      },
      '429': GATEWAY_THROTTLED,
    },
    security: [],
  }),
};

const COMPONENTS = {
  schemas: {
    ExecutionId: EXECUTION_ID_SCHEMA,
    DecisionBody: DECISION_BODY_SCHEMA,
    StopBody: STOP_BODY_SCHEMA,
    SignalBody: SIGNAL_BODY_SCHEMA,
    SlackInteractionForm: SLACK_INTERACTION_FORM_SCHEMA,
    SignalResult: SIGNAL_RESULT_SCHEMA,
    StopResult: STOP_RESULT_SCHEMA,
    AlreadyDone: ALREADY_DONE_SCHEMA,
    Quorum: QUORUM_SCHEMA,
    Problem: PROBLEM_SCHEMA,
    GatewayMessage: GATEWAY_MESSAGE_SCHEMA,
    SlackModalErrors: SLACK_MODAL_ERRORS_SCHEMA,
  },
  parameters: {
    ExecutionId: { name: 'executionId', in: 'path', required: true, schema: schemaRef('ExecutionId') },
    LinkAction: { name: 'action', in: 'path', required: true, schema: LINK_ACTION_SCHEMA },
    LinkToken: {
      name: 'token',
      in: 'query',
      required: true,
      description: (CONFIRM_QUERY_SCHEMA.properties as { token: JsonSchema }).token.description,
      schema: (CONFIRM_QUERY_SCHEMA.properties as { token: JsonSchema }).token,
    },
    SlackSignature: {
      name: SLACK_SIGNATURE_HEADER_NAME,
      in: 'header',
      required: true,
      schema: SLACK_SIGNATURE_HEADER_SCHEMA,
    },
    SlackRequestTimestamp: {
      name: SLACK_TIMESTAMP_HEADER_NAME,
      in: 'header',
      required: true,
      schema: SLACK_TIMESTAMP_HEADER_SCHEMA,
    },
  },
  headers: {
    'WWW-Authenticate': {
      description:
        'RFC 6750 Bearer challenge; `error="invalid_token"` when a token was presented and refused.',
      schema: { type: 'string', examples: [`Bearer realm="${AUTH_REALM}", error="invalid_token"`] },
    },
    'Retry-After': {
      description: 'Seconds to wait before trying again.',
      schema: { type: 'string', pattern: '^[0-9]+$', examples: [String(THROTTLED_RETRY_AFTER_SECONDS)] },
    },
  },
  securitySchemes: {
    apiToken: {
      type: 'http',
      scheme: 'bearer',
      description:
        'An API client token (ticketing systems): `Authorization: Bearer <token>`. The deployment keeps only its hash, with the client name that is recorded as who decided, and a scope of actions and runbook-name patterns.',
    },
    linkToken: {
      type: 'apiKey',
      in: 'query',
      name: 'token',
      description:
        "A signed link token (compact JWS, HS256) bound to one execution, its allowed actions, the approver and an expiry. It is the `token` query parameter of a link's confirmation page; the page's form posts it back as the `token` form field (a JSON body may carry it in a `token` field too). OpenAPI cannot name a body field as an API key, so it is described here as the query parameter.",
    },
    slackSignature: {
      type: 'apiKey',
      in: 'header',
      name: SLACK_SIGNATURE_HEADER_NAME,
      description: `Slack's request signature: HMAC-SHA256 with the Slack app's signing secret over \`v0:<${SLACK_TIMESTAMP_HEADER_NAME}>:<raw body>\`, within five minutes of the webhook's clock.`,
    },
  },
};

/** The OpenAPI 3.1 document of the given routes (all of ROUTES unless told otherwise, as in tests). */
export const buildOpenApiDocument = (routes: readonly RouteDefinition[] = ROUTES): Json => {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, Json>)[route.method.toLowerCase()] = OPERATIONS[route.action]();
  }
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: 'SSM Approval Webhook',
      version: API_VERSION,
      summary:
        'Approve, reject or stop AWS Systems Manager Automation executions from a link, a chat button or a ticketing system.',
      description:
        "Decisions reach SSM only after the caller is authenticated (API token, signed link or Slack signature) and the execution is read: a decision meant for one approval step never lands on another. Success is 200 JSON naming what was sent; errors are RFC 9457 problems; people using links get HTML pages with the same meaning. The servers are the deployment's HTTP API endpoint (stack output) or the local runner.",
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    tags: [
      { name: 'Decisions', description: 'Routes that change an execution.' },
      { name: 'Links', description: 'What approval links open.' },
      { name: 'Slack', description: 'Slack interactivity.' },
      { name: 'Meta', description: 'About the API itself.' },
    ],
    paths,
    components: COMPONENTS,
  };
};
