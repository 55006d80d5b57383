/**
 * The local STS (local/sts/server.ts), called as the functions call it: through the SDK's own
 * `fromTemporaryCredentials` (what lambda/quorum/seat-clients.ts uses; it sends STS AssumeRoleCommand with
 * the SDK's STS client), pointed at it by endpoint, signed with the caller's local credentials; and on the
 * wire, with requests signed as the SDK signs them, for the exact XML. Given the signal role and
 * the seat roles, then STS's answers: the seat's credentials with a session token and an expiry, 403
 * AccessDenied for anyone else or any other role, 400 ValidationError for bad parameters, and the SigV4
 * errors, all in STS's XML shapes.
 */
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { localStsOptions } from '../../local/runner';
import { DEFAULT_LOCAL_PRINCIPALS } from '../../local/simulator';
import { type LocalSts, startLocalSts } from '../../local/sts/server';

const SIGNAL = {
  accessKeyId: 'AKIALOCALWEBHOOKSIGN',
  secretAccessKey: 'local-dummy-secret-webhook-signal-00000000',
};
const SIGNAL_ARN = 'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-signal/local';
const STOP = {
  accessKeyId: 'AKIALOCALWEBHOOKSTOP',
  secretAccessKey: 'local-dummy-secret-webhook-stop-0000000000',
};
const STOP_ARN = 'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-stop/local';
const SEAT_2 = 'arn:aws:iam::123456789012:role/ssm-approval-webhook-seat-2';
const SEAT_3 = 'arn:aws:iam::123456789012:role/ssm-approval-webhook-seat-3';
const SEAT_2_KEY = { accessKeyId: 'AKIALOCALSEAT2KEY001', secretAccessKey: 'seat-2-secret' };
const SEAT_3_KEY = { accessKeyId: 'AKIALOCALSEAT3KEY001', secretAccessKey: 'seat-3-secret' };
const NOW = new Date('2026-12-01T10:00:00.000Z');
const TOKEN = /^LocalStsSession\/[A-Za-z0-9+/]{64}$/;

type Credentials = { readonly accessKeyId: string; readonly secretAccessKey: string };
type AssumeRoleInput = Parameters<typeof fromTemporaryCredentials>[0]['params'];

/**
 * What the SDK's AssumeRole (through fromTemporaryCredentials, as the seat clients call it) came back with,
 * or the STS error it threw, in the parts that matter.
 */
const outcome = async (url: string, caller: Credentials, params: AssumeRoleInput, region = 'us-east-1') => {
  const provider = fromTemporaryCredentials({
    masterCredentials: caller,
    params,
    clientConfig: { endpoint: url, region, maxAttempts: 1 },
  });
  try {
    const { accessKeyId, secretAccessKey, sessionToken, expiration } = await provider();
    return { accessKeyId, secretAccessKey, sessionToken, expiration };
  } catch (error) {
    const { name, message, $metadata, Type } = error as Error & {
      $metadata: { httpStatusCode?: number };
      Type?: string;
    };
    return { error: name, type: Type, message, httpStatus: $metadata.httpStatusCode };
  }
};

describe('the local STS', () => {
  let sts: LocalSts;
  const assume = (caller: Credentials, params: AssumeRoleInput, region?: string) =>
    outcome(sts.url, caller, params, region);

  beforeAll(async () => {
    sts = await startLocalSts({
      callers: {
        [SIGNAL.accessKeyId]: { secretAccessKey: SIGNAL.secretAccessKey, arn: SIGNAL_ARN },
        [STOP.accessKeyId]: { secretAccessKey: STOP.secretAccessKey, arn: STOP_ARN },
      },
      roles: {
        [SEAT_2]: { trustedCallers: [SIGNAL.accessKeyId], credentials: SEAT_2_KEY },
        [SEAT_3]: { trustedCallers: [SIGNAL.accessKeyId], credentials: SEAT_3_KEY },
      },
      now: () => NOW,
    });
  });
  afterAll(() => sts.close());

  describe('given the signal role assuming a seat', () => {
    it('answers with the seat’s credentials, a fresh session token and an hour’s expiry, and records the session', async () => {
      const result = await assume(SIGNAL, { RoleArn: SEAT_2, RoleSessionName: 'link-alice' });

      expect(result).toEqual({
        accessKeyId: SEAT_2_KEY.accessKeyId,
        secretAccessKey: SEAT_2_KEY.secretAccessKey,
        sessionToken: expect.stringMatching(TOKEN),
        expiration: new Date('2026-12-01T11:00:00.000Z'),
      });
      const token = (result as { sessionToken: string }).sessionToken;
      expect(sts.sessionOf(token)).toEqual({
        roleArn: SEAT_2,
        roleSessionName: 'link-alice',
        issuedTo: SIGNAL.accessKeyId,
        accessKeyId: SEAT_2_KEY.accessKeyId,
        sessionToken: token,
        expiration: new Date('2026-12-01T11:00:00.000Z'),
      });
    });

    it('gives each session its own token; DurationSeconds sets the expiry; any region’s scope is taken', async () => {
      const first = await assume(
        SIGNAL,
        { RoleArn: SEAT_3, RoleSessionName: 'slack.T0.U0', DurationSeconds: 900 },
        'eu-west-1',
      );
      const second = await assume(SIGNAL, {
        RoleArn: SEAT_3,
        RoleSessionName: 'api.ticketing',
        DurationSeconds: 900,
      });

      expect(first).toEqual({
        accessKeyId: SEAT_3_KEY.accessKeyId,
        secretAccessKey: SEAT_3_KEY.secretAccessKey,
        sessionToken: expect.stringMatching(TOKEN),
        expiration: new Date('2026-12-01T10:15:00.000Z'),
      });
      expect(second).toEqual({ ...first, sessionToken: expect.stringMatching(TOKEN) });
      expect((first as { sessionToken: string }).sessionToken).not.toBe(
        (second as { sessionToken: string }).sessionToken,
      );
    });
  });

  describe('on the wire', () => {
    /** A request signed as the SDK signs it, sent with fetch, so the exact bytes of the answer can be read. */
    const signedPost = async (body: string) => {
      const { hostname, port } = new URL(sts.url);
      const signer = new SignatureV4({
        credentials: SIGNAL,
        region: 'us-east-1',
        service: 'sts',
        sha256: Hash.bind(null, 'sha256'),
      });
      const signed = await signer.sign(
        new HttpRequest({
          method: 'POST',
          protocol: 'http:',
          hostname,
          port: Number(port),
          path: '/',
          headers: { host: `${hostname}:${port}`, 'content-type': 'application/x-www-form-urlencoded' },
          body,
        }),
      );
      return fetch(sts.url, { method: 'POST', headers: signed.headers, body });
    };

    it('answers AssumeRole with STS’s XML document, text/xml, and the request id in the header and the body', async () => {
      const response = await signedPost(
        `Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(SEAT_2)}&RoleSessionName=link.alice%40example.com&DurationSeconds=900`,
      );
      const requestId = response.headers.get('x-amzn-requestid');
      const text = await response.text();
      const token = /<SessionToken>([^<]+)<\/SessionToken>/.exec(text)?.[1] ?? '';
      const roleId = /<AssumedRoleId>(AROA[0-9A-F]{17}):/.exec(text)?.[1] ?? '';

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/xml');
      expect(token).toMatch(TOKEN);
      expect(text).toBe(
        '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n' +
          '  <AssumeRoleResult>\n' +
          '    <AssumedRoleUser>\n' +
          '      <Arn>arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-seat-2/link.alice@example.com</Arn>\n' +
          `      <AssumedRoleId>${roleId}:link.alice@example.com</AssumedRoleId>\n` +
          '    </AssumedRoleUser>\n' +
          '    <Credentials>\n' +
          '      <AccessKeyId>AKIALOCALSEAT2KEY001</AccessKeyId>\n' +
          '      <SecretAccessKey>seat-2-secret</SecretAccessKey>\n' +
          `      <SessionToken>${token}</SessionToken>\n` +
          '      <Expiration>2026-12-01T10:15:00Z</Expiration>\n' +
          '    </Credentials>\n' +
          '  </AssumeRoleResult>\n' +
          '  <ResponseMetadata>\n' +
          `    <RequestId>${requestId}</RequestId>\n` +
          '  </ResponseMetadata>\n' +
          '</AssumeRoleResponse>\n',
      );
    });

    it.each([
      ['no Action', 'MissingAction', 'Version=2011-06-15', 'Missing Action'],
      [
        'another STS operation',
        'InvalidAction',
        'Action=GetCallerIdentity&Version=2011-06-15',
        'Could not find operation GetCallerIdentity for version 2011-06-15: the local STS serves only AssumeRole (2011-06-15).',
      ],
    ])('%s: 400 %s', async (_case, code, body, message) => {
      const response = await signedPost(body);
      const text = await response.text();

      expect(response.status).toBe(400);
      expect(/<Code>([^<]*)<\/Code>/.exec(text)?.[1]).toBe(code);
      expect(/<Message>([^<]*)<\/Message>/.exec(text)?.[1]).toBe(message);
    });
  });

  describe('given a caller the role does not trust, or a role there is not', () => {
    it.each([
      ['the stop role assuming a seat', STOP, SEAT_2, STOP_ARN],
      [
        'the signal role assuming a role that is no seat',
        SIGNAL,
        'arn:aws:iam::123456789012:role/admin',
        SIGNAL_ARN,
      ],
    ])('%s: 403 AccessDenied, in STS’s words', async (_case, credentials, roleArn, callerArn) => {
      await expect(assume(credentials, { RoleArn: roleArn, RoleSessionName: 'link-alice' })).resolves.toEqual(
        {
          error: 'AccessDenied',
          type: 'Sender',
          message: `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
          httpStatus: 403,
        },
      );
    });
  });

  describe('given bad parameters', () => {
    it.each<[string, AssumeRoleInput, string]>([
      [
        'a session name with a space',
        { RoleArn: SEAT_2, RoleSessionName: 'alice smith' },
        "1 validation error detected: Value 'alice smith' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
      ],
      [
        'a short role ARN and a one-letter session name',
        { RoleArn: 'arn:aws:iam::1', RoleSessionName: 'a' },
        "2 validation errors detected: Value 'arn:aws:iam::1' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20; Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
      ],
      [
        'a duration under 15 minutes',
        { RoleArn: SEAT_2, RoleSessionName: 'link-alice', DurationSeconds: 60 },
        "1 validation error detected: Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
      ],
      [
        'a duration over an hour for a role session (role chaining)',
        { RoleArn: SEAT_2, RoleSessionName: 'link-alice', DurationSeconds: 7200 },
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      ],
      [
        'a session policy, which the local roles cannot apply',
        { RoleArn: SEAT_2, RoleSessionName: 'link-alice', Policy: '{"Version":"2012-10-17","Statement":[]}' },
        'The local STS cannot apply session policies (Policy, PolicyArns): call AssumeRole without them.',
      ],
    ])('%s: 400 ValidationError saying what is wrong', async (_case, input, message) => {
      await expect(assume(SIGNAL, input)).resolves.toEqual({
        error: 'ValidationError',
        type: 'Sender',
        message,
        httpStatus: 400,
      });
    });
  });

  describe('given a request that is not signed right', () => {
    it('a wrong secret: 403 SignatureDoesNotMatch', async () => {
      const result = await assume(
        { ...SIGNAL, secretAccessKey: 'wrong' },
        {
          RoleArn: SEAT_2,
          RoleSessionName: 'link-alice',
        },
      );

      expect(result).toEqual({
        error: 'SignatureDoesNotMatch',
        type: 'Sender',
        message:
          'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
        httpStatus: 403,
      });
    });

    it('an unknown access key: 403 InvalidClientTokenId', async () => {
      const result = await assume(
        { accessKeyId: 'AKIANOBODY0000000000', secretAccessKey: 'x' },
        {
          RoleArn: SEAT_2,
          RoleSessionName: 'link-alice',
        },
      );

      expect(result).toEqual({
        error: 'InvalidClientTokenId',
        type: 'Sender',
        message: 'The security token included in the request is invalid.',
        httpStatus: 403,
      });
    });

    it('no signature: 403 MissingAuthenticationToken as STS’s XML ErrorResponse', async () => {
      const response = await fetch(sts.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(SEAT_2)}&RoleSessionName=x1`,
      });
      const requestId = response.headers.get('x-amzn-requestid');

      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toBe('text/xml');
      expect(await response.text()).toBe(
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n' +
          '  <Error>\n' +
          '    <Type>Sender</Type>\n' +
          '    <Code>MissingAuthenticationToken</Code>\n' +
          '    <Message>Request is missing Authentication Token</Message>\n' +
          '  </Error>\n' +
          `  <RequestId>${requestId}</RequestId>\n` +
          '</ErrorResponse>\n',
      );
    });
  });

  it('records every issued session, oldest first, and forgets none', () => {
    expect(sts.sessions().map((session) => [session.roleArn, session.roleSessionName])).toEqual([
      [SEAT_2, 'link-alice'],
      [SEAT_3, 'slack.T0.U0'],
      [SEAT_3, 'api.ticketing'],
      [SEAT_2, 'link.alice@example.com'],
    ]);
    expect(sts.sessionOf('LocalStsSession/not-issued')).toBeUndefined();
  });
});

describe("npm start's STS callers and roles", () => {
  /** The seat principal's secret as the simulator knows it (a documented local dummy, not a secret). */
  const secretOf = (accessKeyId: string) => DEFAULT_LOCAL_PRINCIPALS[accessKeyId]?.secretAccessKey;

  it('let exactly the signal role assume exactly seats 2 and 3, as the simulator principals SEAT2 and SEAT3', () => {
    expect(localStsOptions('127.0.0.1')).toEqual({
      host: '127.0.0.1',
      callers: {
        AKIALOCALWEBHOOKSIGN: { secretAccessKey: SIGNAL.secretAccessKey, arn: SIGNAL_ARN },
      },
      roles: {
        [SEAT_2]: {
          trustedCallers: ['AKIALOCALWEBHOOKSIGN'],
          credentials: {
            accessKeyId: 'AKIALOCALWEBHOOKSEAT2',
            secretAccessKey: secretOf('AKIALOCALWEBHOOKSEAT2'),
          },
        },
        [SEAT_3]: {
          trustedCallers: ['AKIALOCALWEBHOOKSIGN'],
          credentials: {
            accessKeyId: 'AKIALOCALWEBHOOKSEAT3',
            secretAccessKey: secretOf('AKIALOCALWEBHOOKSEAT3'),
          },
        },
      },
    });
  });
});
