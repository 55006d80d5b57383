/**
 * The one route table. The CDK construct (lib/) and the local API server (local/) both read it,
 * so the deployed HTTP API and the local runner cannot drift apart.
 */

/** The Lambda functions of the webhook; each holds only the permissions its routes need. */
export type FunctionName = 'signal' | 'stop' | 'confirm' | 'slack';

/** What a route does to an execution. */
export type RouteAction = 'approve' | 'reject' | 'stop' | 'signal' | 'confirm' | 'slack' | 'openapi';

export interface RouteDefinition {
  /** HTTP method, as API Gateway writes it in the route key. */
  readonly method: 'GET' | 'POST';
  /** Path template in API Gateway syntax (`{name}` for a path parameter). */
  readonly path: string;
  /** The function that serves the route. */
  readonly functionName: FunctionName;
  /** The action, fixed by the route (for `confirm` the action comes from the `{action}` parameter). */
  readonly action: RouteAction;
}

export const ROUTES: readonly RouteDefinition[] = [
  { method: 'POST', path: '/executions/{executionId}/approve', functionName: 'signal', action: 'approve' },
  { method: 'POST', path: '/executions/{executionId}/reject', functionName: 'signal', action: 'reject' },
  { method: 'POST', path: '/executions/{executionId}/signal', functionName: 'signal', action: 'signal' },
  { method: 'POST', path: '/executions/{executionId}/stop', functionName: 'stop', action: 'stop' },
  { method: 'GET', path: '/executions/{executionId}/{action}', functionName: 'confirm', action: 'confirm' },
  // Slack's interactivity Request URL: button clicks and modal submissions, signed by Slack.
  { method: 'POST', path: '/slack/interactions', functionName: 'slack', action: 'slack' },
  // The API's own description (lambda/openapi/document.ts). The confirm function serves it: it is public
  // and read-only already, so the document needs no function or permission of its own.
  { method: 'GET', path: '/openapi.json', functionName: 'confirm', action: 'openapi' },
];

/** Where each function's handler lives, relative to the repository root, and its exported name. */
export const FUNCTION_ENTRIES: Readonly<
  Record<FunctionName, { readonly entry: string; readonly handler: string }>
> = {
  signal: { entry: 'lambda/handlers/signal.ts', handler: 'handler' },
  stop: { entry: 'lambda/handlers/stop.ts', handler: 'handler' },
  confirm: { entry: 'lambda/handlers/confirm.ts', handler: 'handler' },
  slack: { entry: 'lambda/handlers/slack.ts', handler: 'handler' },
};

/** The API Gateway route key (`POST /executions/{executionId}/approve`). */
export const routeKey = (route: RouteDefinition): string => `${route.method} ${route.path}`;
