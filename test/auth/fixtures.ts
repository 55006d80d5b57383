import { type AuthConfig, validateSecretDocument } from '../../lambda/auth/secret-document';

export const EXECUTION_ID = '3f1c0a7e-1234-4abc-8def-0123456789ab';
export const OTHER_EXECUTION_ID = '9d2b6c11-aaaa-4bbb-8ccc-0123456789ff';

/** 43+ character keys, distinct per kid. */
export const KEY = {
  k0: 'k0-key-material-0123456789abcdefghijklmnopqrstuvwxyz',
  k1: 'k1-key-material-0123456789abcdefghijklmnopqrstuvwxyz',
  k9: 'k9-key-material-0123456789abcdefghijklmnopqrstuvwxyz',
} as const;

/** SHA-256 of the token below (computed with `printf %s <token> | sha256sum`). */
export const JIRA_TOKEN = 'sawh_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
export const JIRA_SHA256 = '34a50519509bfc6cbdea98a38f75f6b000a46c0175f2c4c062e1888a63e461c6';

/** Builds an AuthConfig through the real document validation. */
export function authConfig(options: {
  keys?: Partial<Record<keyof typeof KEY, true>>;
  active?: keyof typeof KEY;
  apiClients?: { name: string; sha256: string }[];
}): AuthConfig {
  const keys = options.keys ?? { k1: true };
  const document: Record<string, unknown> = { activeLinkKeyId: options.active ?? 'k1' };
  for (const kid of Object.keys(keys) as (keyof typeof KEY)[]) {
    document[`linkKey.${kid}`] = KEY[kid];
  }
  if (options.apiClients !== undefined) {
    document.apiClients = options.apiClients;
  }
  return validateSecretDocument(document);
}

/** The rejection of a promise (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/** The error thrown by a function (fails the test if it returns). */
export function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the function to throw');
}

/** An error as a plain object, so a whole error can be asserted with toEqual. */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) {
    return { notAnError: error };
  }
  const described: Record<string, unknown> = { name: error.name, message: error.message };
  for (const field of ['status', 'reason'] as const) {
    if (field in error) {
      described[field] = (error as unknown as Record<string, unknown>)[field];
    }
  }
  if (error.cause !== undefined) {
    described.cause = describeCause(error.cause);
  }
  return described;
}

function describeCause(cause: unknown): Record<string, unknown> {
  if (!(cause instanceof Error)) {
    return { notAnError: cause };
  }
  const code = (cause as { code?: unknown }).code;
  return code === undefined ? { name: cause.name, message: cause.message } : { code, message: cause.message };
}
