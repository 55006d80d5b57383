/**
 * The event our handlers see: API Gateway's payload 2.0 event after the body middleware parsed the body
 * into a plain object, and after the authenticate middleware recorded who is calling.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Identity } from '../auth/authenticate';

export type WebhookEvent = Omit<APIGatewayProxyEventV2, 'body'> & {
  /** The parsed body; `{}` when the request had none. */
  body: Record<string, unknown>;
  /** Who is calling, set by the authenticate middleware on routes that change an execution. */
  identity?: Identity;
};

export type WebhookResult = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
};

/** People (the confirmation flow, form posts) get HTML; machines get JSON. */
export type ResponseFormat = 'html' | 'json';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

export const responseFormatFor = (
  event: Pick<APIGatewayProxyEventV2, 'headers' | 'requestContext'>,
): ResponseFormat => {
  if (event.requestContext.http.method === 'GET') return 'html';
  const contentType = (event.headers['content-type'] ?? '').toLowerCase();
  return contentType.startsWith(FORM_CONTENT_TYPE) ? 'html' : 'json';
};

export const requireIdentity = (event: WebhookEvent): Identity => {
  // The chain authenticates before the handler runs; reaching here without an identity is a wiring fault.
  if (!event.identity) throw new Error('The request reached the handler unauthenticated.');
  return event.identity;
};
