/**
 * Named errors of the webhook. Each carries the HTTP status it stands for; `lambda/core/problem.ts`
 * is the one place that turns these (and SSM's errors) into HTTP responses. Every `detail` is safe to
 * show the caller: never put a secret, a token or a stack into it.
 */
export abstract class WebhookError extends Error {
  abstract readonly status: number;
  /** Short, stable summary of the problem type (RFC 9457 `title`). */
  abstract readonly title: string;
  /** Machine-readable reason, stable across releases (`invalid-execution-id`, `expired`, ...). */
  readonly reason: string;

  constructor(reason: string, detail: string, options?: { cause?: unknown }) {
    super(detail, options);
    this.name = new.target.name;
    this.reason = reason;
  }

  /** What the caller is told (RFC 9457 `detail`). */
  get detail(): string {
    return this.message;
  }
}

/** 400: the request is malformed (path, body, JSON, field values). */
export class ValidationError extends WebhookError {
  readonly status = 400;
  readonly title = 'Invalid request';
}

/** 401: credentials are missing or not valid at all. Sent with `WWW-Authenticate`. */
export class AuthenticationError extends WebhookError {
  readonly status = 401;
  readonly title = 'Authentication required';
}

/** 403: valid credentials that do not allow this execution or action, or an expired link. */
export class ForbiddenError extends WebhookError {
  readonly status = 403;
  readonly title = 'Not allowed';
}

/** 409: someone or something else decided first (another decision, a timeout, the run ended). */
export class DecidedOtherwiseError extends WebhookError {
  readonly status = 409;
  readonly title = 'Decided otherwise';
}

/**
 * 504: the mutating call may have reached SSM and its answer was lost, and the execution does not show
 * the outcome (yet). Never "try again": the decision may still be applied.
 */
export class OutcomeUnknownError extends WebhookError {
  readonly status = 504;
  readonly title = 'Outcome unknown';
}

/** 413: a body larger than any valid request. */
export class PayloadTooLargeError extends WebhookError {
  readonly status = 413;
  readonly title = 'Body too large';
}

/** 415: a body in a content type the route does not take. */
export class UnsupportedMediaTypeError extends WebhookError {
  readonly status = 415;
  readonly title = 'Unsupported media type';
}

/**
 * 503: the webhook could not read its own secret (Secrets Manager unreachable, slow or throttled) within
 * the request's budget. Nothing was changed, so "try again" is true.
 */
export class SecretUnavailableError extends WebhookError {
  readonly status = 503;
  readonly title = 'Webhook configuration unavailable';
}

/** 500 for misconfiguration (e.g. an unreadable secret): the detail is logged, never sent. */
export class ConfigurationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigurationError';
  }
}
