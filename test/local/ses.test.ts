/**
 * The local SES v2 endpoint driven by the real SDK (SESv2Client): accepted e-mails are kept exactly,
 * errors arrive as the SDK's own named exceptions, signatures are checked.
 */
import {
  BadRequestException,
  MessageRejected,
  SESv2Client,
  SESv2ServiceException,
  SendEmailCommand,
  type SendEmailCommandInput,
} from '@aws-sdk/client-sesv2';
import { type LocalSes, startLocalSes } from '../../local/ses/server';

const ACCESS_KEY_ID = 'AKIALOCALSES00000001';
const SECRET = 'local-dummy-secret-ses-00000000000000000';
const SENT_AT = new Date('2025-11-21T15:04:05.123Z');
const MESSAGE_ID = /^0100[0-9a-f]{12}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-000000$/;

const client = (url: string, secretAccessKey = SECRET, accessKeyId = ACCESS_KEY_ID) =>
  new SESv2Client({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });

const simple = (overrides: Partial<SendEmailCommandInput> = {}): SendEmailCommandInput => ({
  FromEmailAddress: 'approvals@example.com',
  Destination: { ToAddresses: ['alice@example.com'], CcAddresses: ['bob@example.com'] },
  Content: {
    Simple: {
      Subject: { Data: 'Approval needed: Demo-ApproveChange', Charset: 'UTF-8' },
      Body: {
        Text: { Data: 'Approve: http://127.0.0.1:3000/a', Charset: 'UTF-8' },
        Html: { Data: '<p><a href="http://127.0.0.1:3000/a">Approve</a></p>', Charset: 'UTF-8' },
      },
      Headers: [{ Name: 'X-Entity-Ref-ID', Value: 'gate-1' }],
    },
  },
  ...overrides,
});

/** The error the SDK raised: its name, message and HTTP status. */
const failure = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof SESv2ServiceException))
    throw new Error(`expected an SES error, got ${String(error)}`);
  return { name: error.name, message: error.message, status: error.$metadata.httpStatusCode };
};

describe('local SES v2 endpoint, signed and with verified identities', () => {
  let ses: LocalSes;
  let sesClient: SESv2Client;

  beforeAll(async () => {
    ses = await startLocalSes({
      verifiedIdentities: ['Approvals@Example.com', 'example.org'],
      credentials: { [ACCESS_KEY_ID]: SECRET },
      now: () => SENT_AT,
    });
    sesClient = client(ses.url);
  });
  afterAll(async () => {
    sesClient.destroy();
    await ses.close();
  });

  it('keeps a sent e-mail exactly and answers its MessageId', async () => {
    const before = ses.messages().length;
    const { MessageId } = await sesClient.send(new SendEmailCommand(simple()));
    expect(MessageId).toMatch(MESSAGE_ID);
    expect(MessageId?.slice(4, 16)).toBe(SENT_AT.getTime().toString(16).padStart(12, '0'));
    expect(ses.messages().slice(before)).toEqual([
      {
        messageId: MessageId,
        from: 'approvals@example.com',
        to: ['alice@example.com'],
        cc: ['bob@example.com'],
        subject: 'Approval needed: Demo-ApproveChange',
        text: 'Approve: http://127.0.0.1:3000/a',
        html: '<p><a href="http://127.0.0.1:3000/a">Approve</a></p>',
        sentAt: '2025-11-21T15:04:05.123Z',
      },
    ]);
  });

  it('keeps e-mails oldest first; a domain identity verifies its addresses and subdomains; a part may be missing', async () => {
    const before = ses.messages().length;
    await sesClient.send(
      new SendEmailCommand({
        FromEmailAddress: 'Approvals <Bot@Mail.Example.org>',
        Destination: { BccAddresses: ['hidden@example.com'] },
        Content: { Simple: { Subject: { Data: 'first' }, Body: { Text: { Data: 'only text' } } } },
      }),
    );
    await sesClient.send(
      new SendEmailCommand({
        FromEmailAddress: 'ops@example.org',
        Destination: { ToAddresses: ['a@example.com', 'b@example.com'] },
        Content: { Simple: { Subject: { Data: 'second' }, Body: { Html: { Data: '<b>only html</b>' } } } },
      }),
    );
    expect(
      ses
        .messages()
        .slice(before)
        .map(({ messageId, ...rest }) => rest),
    ).toEqual([
      {
        from: 'Approvals <Bot@Mail.Example.org>',
        to: [],
        cc: [],
        subject: 'first',
        text: 'only text',
        html: '',
        sentAt: '2025-11-21T15:04:05.123Z',
      },
      {
        from: 'ops@example.org',
        to: ['a@example.com', 'b@example.com'],
        cc: [],
        subject: 'second',
        text: '',
        html: '<b>only html</b>',
        sentAt: '2025-11-21T15:04:05.123Z',
      },
    ]);
  });

  it('rejects an unverified sender with MessageRejected, in the words SES uses', async () => {
    const before = ses.messages().length;
    const sent = sesClient.send(
      new SendEmailCommand(simple({ FromEmailAddress: 'Mallory <m@evil.example>' })),
    );
    await expect(sent).rejects.toBeInstanceOf(MessageRejected);
    await expect(
      failure(sesClient.send(new SendEmailCommand(simple({ FromEmailAddress: 'Mallory <m@evil.example>' })))),
    ).resolves.toEqual({
      name: 'MessageRejected',
      message:
        'Email address is not verified. The following identities failed the check in region US-EAST-1: Mallory <m@evil.example>, m@evil.example',
      status: 400,
    });
    // An address identity verifies only itself, not its domain's other addresses; a lookalike domain is not a subdomain.
    for (const from of ['other@example.com', 'x@notexample.org']) {
      await expect(
        failure(sesClient.send(new SendEmailCommand(simple({ FromEmailAddress: from })))),
      ).resolves.toEqual({
        name: 'MessageRejected',
        message: `Email address is not verified. The following identities failed the check in region US-EAST-1: ${from}`,
        status: 400,
      });
    }
    expect(ses.messages()).toHaveLength(before);
  });

  it.each([
    [
      'no destination',
      simple({ Destination: {} }),
      'Missing destination: give at least one address in Destination.ToAddresses, CcAddresses or BccAddresses.',
    ],
    [
      'no Destination at all',
      simple({ Destination: undefined }),
      'Missing destination: give at least one address in Destination.ToAddresses, CcAddresses or BccAddresses.',
    ],
    ['no sender', simple({ FromEmailAddress: undefined }), 'Missing required field FromEmailAddress.'],
    [
      'a sender that is no address',
      simple({ FromEmailAddress: 'approvals' }),
      "FromEmailAddress is not a valid email address: 'approvals'.",
    ],
    [
      'a recipient that is no address',
      simple({ Destination: { ToAddresses: ['alice'] } }),
      "An address in Destination.ToAddresses is not a valid email address: 'alice'.",
    ],
    [
      'raw content',
      simple({ Content: { Raw: { Data: new TextEncoder().encode('Subject: hi\r\n\r\nhi') } } }),
      'Content.Raw is not supported by the local SES v2 endpoint (npm start); send Content.Simple.',
    ],
    [
      'template content',
      simple({ Content: { Template: { TemplateName: 'approval', TemplateData: '{}' } } }),
      'Content.Template is not supported by the local SES v2 endpoint (npm start); send Content.Simple.',
    ],
    ['empty content', simple({ Content: {} }), 'Content must contain Simple, Raw or Template.'],
    [
      'a body with neither part',
      simple({ Content: { Simple: { Subject: { Data: 's' }, Body: {} } } }),
      'Content.Simple.Body must contain Text, Html or both.',
    ],
  ])('answers BadRequestException for %s', async (_case, input, message) => {
    const before = ses.messages().length;
    await expect(sesClient.send(new SendEmailCommand(input))).rejects.toBeInstanceOf(BadRequestException);
    await expect(failure(sesClient.send(new SendEmailCommand(input)))).resolves.toEqual({
      name: 'BadRequestException',
      message,
      status: 400,
    });
    expect(ses.messages()).toHaveLength(before);
  });

  it('answers InvalidSignatureException (403) when signed with the wrong secret', async () => {
    const wrong = client(ses.url, 'not-the-secret');
    await expect(failure(wrong.send(new SendEmailCommand(simple())))).resolves.toEqual({
      name: 'InvalidSignatureException',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      status: 403,
    });
    wrong.destroy();
  });

  it('answers UnrecognizedClientException (403) for an unknown access key', async () => {
    const stranger = client(ses.url, SECRET, 'AKIAUNKNOWN000000000');
    await expect(failure(stranger.send(new SendEmailCommand(simple())))).resolves.toEqual({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
      status: 403,
    });
    stranger.destroy();
  });

  it('answers an unsigned request with MissingAuthenticationTokenException (403), on the wire', async () => {
    const response = await fetch(`${ses.url}/v2/email/outbound-emails`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(simple()),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
  });

  it('answers other paths and methods with 404 NotFoundException', async () => {
    for (const [method, path] of [
      ['GET', '/v2/email/outbound-emails'],
      ['POST', '/v2/email/outbound-bulk-emails'],
      ['GET', '/'],
    ] as const) {
      const response = await fetch(`${ses.url}${path}`, { method });
      expect(response.status).toBe(404);
      expect(response.headers.get('x-amzn-errortype')).toBe('NotFoundException');
      expect(await response.json()).toEqual({
        message: `Nothing at ${method} ${path}: the local SES v2 endpoint serves only SendEmail (POST /v2/email/outbound-emails).`,
      });
    }
  });

  it('is reached through AWS_ENDPOINT_URL_SESV2, with no path prefix', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_SESV2;
    process.env.AWS_ENDPOINT_URL_SESV2 = ses.url;
    try {
      const viaEnvironment = new SESv2Client({
        region: 'us-east-1',
        credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET },
      });
      const { MessageId } = await viaEnvironment.send(new SendEmailCommand(simple()));
      expect(ses.messages().at(-1)?.messageId).toBe(MessageId);
      viaEnvironment.destroy();
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_SESV2;
      else process.env.AWS_ENDPOINT_URL_SESV2 = saved;
    }
  });
});

describe('local SES v2 endpoint without credentials or identities', () => {
  it('accepts any sender, unsigned, and answers a body that is not JSON with BadRequestException', async () => {
    const ses = await startLocalSes({});
    try {
      const response = await fetch(`${ses.url}/v2/email/outbound-emails`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(simple({ FromEmailAddress: 'anyone@anywhere.example' })),
      });
      expect(response.status).toBe(200);
      const { MessageId } = (await response.json()) as { MessageId: string };
      expect(MessageId).toMatch(MESSAGE_ID);
      expect(ses.messages().map((email) => [email.messageId, email.from])).toEqual([
        [MessageId, 'anyone@anywhere.example'],
      ]);

      const notJson = await fetch(`${ses.url}/v2/email/outbound-emails`, { method: 'POST', body: '{' });
      expect(notJson.status).toBe(400);
      expect(notJson.headers.get('x-amzn-errortype')).toBe('BadRequestException');
      expect(await notJson.json()).toEqual({ message: 'The request body is not valid JSON.' });
    } finally {
      await ses.close();
    }
  });
});
