/**
 * SES v2 `SendEmail` (`POST /v2/email/outbound-emails`, REST-JSON) as the local endpoint takes it: the
 * request body checked and turned into the e-mail to keep, and the sender checked against the
 * verified identities. Only `Content.Simple` is taken (Subject, Body.Text, Body.Html, Headers);
 * the field names are those of the SDK's `SendEmailRequest` schema.
 *
 * The messages of BadRequestException are this endpoint's own (SES does not document its wording);
 * MessageRejected's follows the text SES answers for an unverified sender.
 */
import { SesError } from './errors';

/** One e-mail as the local SES kept it. */
export interface StoredEmail {
  readonly messageId: string;
  /** FromEmailAddress as sent, display name included (`Approvals <approvals@example.com>`). */
  readonly from: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly subject: string;
  /** The plain-text part; empty when the e-mail has none. */
  readonly text: string;
  /** The HTML part; empty when the e-mail has none. */
  readonly html: string;
  /** ISO 8601, UTC, with milliseconds. */
  readonly sentAt: string;
}

/** What a valid request asks to send; Bcc recipients are checked but not shown anywhere. */
export type EmailToSend = Omit<StoredEmail, 'messageId' | 'sentAt'>;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const bad = (message: string): SesError => new SesError('BadRequestException', message);

const optionalObject = (parent: Json, name: string, path: string): Json | undefined => {
  const value = parent[name];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw bad(`${path} must be an object.`);
  return value;
};

const optionalString = (parent: Json, name: string, path: string): string | undefined => {
  const value = parent[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw bad(`${path} must be a string.`);
  return value;
};

/** The address part of `Name <a@example.com>` or of a bare address. */
export const addressOf = (mailbox: string): string => (/<([^<>]*)>\s*$/.exec(mailbox)?.[1] ?? mailbox).trim();

const checkAddress = (mailbox: string, path: string): void => {
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(addressOf(mailbox))) {
    throw bad(`${path} is not a valid email address: '${mailbox}'.`);
  }
};

const addressList = (destination: Json | undefined, name: string): string[] => {
  const path = `Destination.${name}`;
  const value = destination?.[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw bad(`${path} must be a list of strings.`);
  }
  for (const address of value as string[]) checkAddress(address, `An address in ${path}`);
  return value as string[];
};

/** A `Content` object's `Data` (Charset is taken as given: JSON strings are Unicode already). */
const contentData = (parent: Json, name: string, path: string): string | undefined => {
  const content = optionalObject(parent, name, path);
  if (!content) return undefined;
  const data = optionalString(content, 'Data', `${path}.Data`);
  if (data === undefined) throw bad(`Missing required field ${path}.Data.`);
  optionalString(content, 'Charset', `${path}.Charset`);
  return data;
};

const checkHeaders = (simple: Json): void => {
  const headers = simple.Headers;
  if (headers === undefined || headers === null) return;
  const valid =
    Array.isArray(headers) &&
    headers.every(
      (header) => isObject(header) && typeof header.Name === 'string' && typeof header.Value === 'string',
    );
  if (!valid) throw bad('Content.Simple.Headers must be a list of {"Name": string, "Value": string}.');
};

/**
 * The e-mail a SendEmail request body asks to send.
 * @throws SesError BadRequestException for a malformed request or content this endpoint does not take.
 */
export const parseSendEmail = (body: unknown): EmailToSend => {
  if (!isObject(body)) throw bad('The request body must be a JSON object.');
  const content = optionalObject(body, 'Content', 'Content');
  if (!content) throw bad('Missing required field Content.');
  for (const unsupported of ['Raw', 'Template'] as const) {
    if (content[unsupported] !== undefined && content[unsupported] !== null) {
      throw bad(
        `Content.${unsupported} is not supported by the local SES v2 endpoint (npm start); send Content.Simple.`,
      );
    }
  }
  const simple = optionalObject(content, 'Simple', 'Content.Simple');
  if (!simple) throw bad('Content must contain Simple, Raw or Template.');
  if (simple.Attachments !== undefined && simple.Attachments !== null) {
    throw bad('Content.Simple.Attachments are not supported by the local SES v2 endpoint (npm start).');
  }
  checkHeaders(simple);
  const subject = contentData(simple, 'Subject', 'Content.Simple.Subject');
  if (subject === undefined) throw bad('Missing required field Content.Simple.Subject.');
  const messageBody = optionalObject(simple, 'Body', 'Content.Simple.Body');
  if (!messageBody) throw bad('Missing required field Content.Simple.Body.');
  const text = contentData(messageBody, 'Text', 'Content.Simple.Body.Text');
  const html = contentData(messageBody, 'Html', 'Content.Simple.Body.Html');
  if (text === undefined && html === undefined)
    throw bad('Content.Simple.Body must contain Text, Html or both.');

  const from = optionalString(body, 'FromEmailAddress', 'FromEmailAddress');
  if (from === undefined) throw bad('Missing required field FromEmailAddress.');
  checkAddress(from, 'FromEmailAddress');
  const destination = optionalObject(body, 'Destination', 'Destination');
  const to = addressList(destination, 'ToAddresses');
  const cc = addressList(destination, 'CcAddresses');
  const bcc = addressList(destination, 'BccAddresses');
  if (to.length + cc.length + bcc.length === 0) {
    throw bad(
      'Missing destination: give at least one address in Destination.ToAddresses, CcAddresses or BccAddresses.',
    );
  }
  return { from, to, cc, subject, text: text ?? '', html: html ?? '' };
};

/**
 * Whether an identity list verifies the sender. An identity is an e-mail address (verifies exactly that
 * address) or a domain (verifies every address of the domain and of its subdomains, as SES documents:
 * "you can send email from any subdomain or email address of the verified domain"). Case-insensitive.
 */
export const isVerifiedSender = (from: string, identities: readonly string[]): boolean => {
  const address = addressOf(from).toLowerCase();
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return identities.some((identity) => {
    const verified = identity.trim().toLowerCase();
    if (verified.includes('@')) return verified === address;
    return domain === verified || domain.endsWith(`.${verified}`);
  });
};

/**
 * The MessageRejected SES answers for an unverified sender: it lists the sender as given and, when that
 * has a display name, the bare address too.
 */
export const unverifiedSender = (from: string, region: string): SesError => {
  const address = addressOf(from);
  const identities = address === from ? address : `${from}, ${address}`;
  return new SesError(
    'MessageRejected',
    `Email address is not verified. The following identities failed the check in region ${region.toUpperCase()}: ${identities}`,
  );
};
