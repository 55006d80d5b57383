/**
 * Parses the body by its content type with middy's official parsers: JSON for API clients, form-encoded
 * for the confirmation page's button. A missing or empty body is `{}` (approve, reject and stop need
 * nothing); anything else is refused with a 4xx naming the problem.
 */
import type { MiddlewareObj, Request } from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpUrlencodeBodyParser from '@middy/http-urlencode-body-parser';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../core/errors';
import { FORM_CONTENT_TYPE, mediaTypeOf } from '../core/event';

/** application/json and its `+json` relatives, matched on the media type alone, in any case. */
const isJson = (mediaType: string): boolean =>
  /^application\/([a-z0-9.!#$%&'*^_`{|}~-]+\+)?json$/.test(mediaType);

/** Far above any valid request (a comment is at most 512 characters); refuse before parsing. */
export const MAX_BODY_BYTES = 16 * 1024;

type RawRequest = Request<{
  body?: string | Record<string, unknown>;
  isBase64Encoded?: boolean;
  headers: Record<string, string | undefined>;
}>;

export const requestBody = (): MiddlewareObj => {
  const json = httpJsonBodyParser({ disableContentTypeError: true });
  const form = httpUrlencodeBodyParser({ disableContentTypeError: true });

  const before = async (request: RawRequest): Promise<void> => {
    const { event } = request;
    const raw = typeof event.body === 'string' ? event.body : '';
    // Decoded once here; the parsers below then read the text as it is.
    const bytes = Buffer.from(raw, event.isBase64Encoded ? 'base64' : 'utf8');
    if (bytes.length > MAX_BODY_BYTES) {
      throw new PayloadTooLargeError(
        'body-too-large',
        `The body is ${bytes.length} bytes; at most ${MAX_BODY_BYTES} are accepted.`,
      );
    }
    const text = bytes.toString('utf8');
    event.isBase64Encoded = false;
    if (text.trim() === '') {
      event.body = {};
      return;
    }
    event.body = text;
    const contentType = event.headers['content-type'] ?? '';
    const mediaType = mediaTypeOf(contentType);
    // middy's parsers check the header again with patterns of their own (case-sensitive, stricter about
    // parameters) and silently skip a body they do not recognise; so they are shown the canonical type.
    const parseAs = async (canonical: string, parser: { before?: unknown }): Promise<void> => {
      event.headers['content-type'] = canonical;
      try {
        await (parser.before as ((r: never) => Promise<void>) | undefined)?.(request as never);
      } finally {
        event.headers['content-type'] = contentType;
      }
    };
    if (isJson(mediaType)) {
      await parseAs('application/json', json).catch((error: unknown) => {
        throw new ValidationError('invalid-json', 'The body is not valid JSON.', { cause: error });
      });
      if (typeof event.body !== 'object' || event.body === null || Array.isArray(event.body)) {
        throw new ValidationError('invalid-body', 'The JSON body must be an object.');
      }
      return;
    }
    if (mediaType === FORM_CONTENT_TYPE) {
      await parseAs(FORM_CONTENT_TYPE, form).catch((error: unknown) => {
        throw new ValidationError('invalid-form', 'The body is not a valid form-encoded body.', {
          cause: error,
        });
      });
      return;
    }
    throw new UnsupportedMediaTypeError(
      'unsupported-media-type',
      `Content type '${contentType.slice(0, 100) || '(none)'}' is not accepted; send application/json or ${FORM_CONTENT_TYPE}.`,
    );
  };

  return { before: before as MiddlewareObj['before'] };
};
