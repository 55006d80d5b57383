/** A secret document for tests, in a temporary file the handlers read through APP_SECRET_FILE. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApiToken } from '../../lambda/auth/api-token';
import { signLinkToken } from '../../lambda/auth/link-token';
import { parseSecretDocument } from '../../lambda/auth/secret-document';

export const LINK_KEY = 'test-link-key-0123456789abcdefghijklmnopqrstuvwxyz';
export const API = createApiToken('jira');
export const REVOKED = createApiToken('old-client');
/** Stored without a scope, as before scopes existed: approve and reject on every runbook. */
export const LEGACY = createApiToken('legacy-client');
/** Approve and reject on runbooks matching Change-* only. */
export const NARROW = createApiToken('change-bot');
/** May stop (Cancel) any runbook, but not Complete. */
export const STOPPER = createApiToken('stopper');

export const SECRET_DOCUMENT = {
  activeLinkKeyId: 'k1',
  'linkKey.k1': LINK_KEY,
  apiClients: [
    // The tests' main client may do everything, so that each route's own behaviour is what they see.
    { ...API.entry, actions: ['approve', 'reject', 'stop', 'signal', 'complete'], runbooks: ['*'] },
    LEGACY.entry,
    { ...NARROW.entry, actions: ['approve', 'reject'], runbooks: ['Change-*'] },
    { ...STOPPER.entry, actions: ['stop'] },
  ],
};

export const AUTH_CONFIG = parseSecretDocument(JSON.stringify(SECRET_DOCUMENT));

/** Writes the document and points the handlers at it (call before importing a handler module). */
export const useTestSecret = (): string => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sawh-secret-')), 'secret.json');
  writeFileSync(file, JSON.stringify(SECRET_DOCUMENT), { mode: 0o600 });
  process.env.APP_SECRET_FILE = file;
  delete process.env.APP_SECRET_ARN;
  return file;
};

export const bearer = (token: string = API.token) => ({ authorization: `Bearer ${token}` });

export const link = (
  executionId: string,
  actions: ('approve' | 'reject' | 'stop')[],
  options: {
    approver?: string;
    ttlSeconds?: number;
    now?: Date;
    gate?: { stepName: string; stepExecutionId: string };
    channel?: 'email' | 'webhook';
  } = {},
) =>
  signLinkToken(AUTH_CONFIG, {
    executionId,
    actions,
    approver: options.approver ?? 'alice@example.com',
    ttlSeconds: options.ttlSeconds ?? 3600,
    ...(options.now ? { now: options.now } : {}),
    ...(options.gate ? { gate: options.gate } : {}),
    ...(options.channel ? { channel: options.channel } : {}),
  });
