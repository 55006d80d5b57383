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

/** `type/subtype` of a Content-Type header, in lower case (media types are case-insensitive, RFC 9110 §8.3.1). */
export const mediaTypeOf = (contentType: string | undefined): string =>
  (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/**
 * HTML only for what a browser does with our pages: a GET of a link, or the confirmation form's POST
 * (form-encoded, from a client that asks for HTML). Anything else, such as curl without a Content-Type or
 * a form post from a script, gets application/problem+json.
 */
export const responseFormatFor = (
  event: Pick<APIGatewayProxyEventV2, 'headers' | 'requestContext'>,
): ResponseFormat => {
  if (event.requestContext.http.method === 'GET') return 'html';
  const form = mediaTypeOf(event.headers['content-type']) === FORM_CONTENT_TYPE;
  const wantsHtml = /(^|,)\s*text\/html\s*(;|,|$)/i.test(event.headers.accept ?? '');
  return form && wantsHtml ? 'html' : 'json';
};

export const requireIdentity = (event: WebhookEvent): Identity => {
  // The chain authenticates before the handler runs; reaching here without an identity is a wiring fault.
  if (!event.identity) throw new Error('The request reached the handler unauthenticated.');
  return event.identity;
};
