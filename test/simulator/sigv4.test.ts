import { DEFAULT_LOCAL_PRINCIPALS } from '../../local/simulator/principals';
import { type ReceivedRequest, verifySignature } from '../../local/simulator/sigv4';
import { SIGNING_DATE, signedRequest } from './sigv4-request';

const BAD_SIGNATURE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const BODY = { AutomationExecutionId: 'e'.repeat(36) };

const failure = async (request: ReceivedRequest, now = SIGNING_DATE, region = 'us-east-1') => {
  try {
    await verifySignature(request, DEFAULT_LOCAL_PRINCIPALS, now, region);
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
  throw new Error('expected verification to fail');
};

const withAuthorization = (request: ReceivedRequest, authorization: string): ReceivedRequest => ({
  ...request,
  headers: { ...request.headers, authorization },
});

describe('verifySignature', () => {
  it('returns the caller of a good signature, within 15 minutes either way', async () => {
    const request = await signedRequest('GetAutomationExecution', BODY);

    for (const offset of [-15 * 60 * 1000, 0, 15 * 60 * 1000]) {
      await expect(
        verifySignature(
          request,
          DEFAULT_LOCAL_PRINCIPALS,
          new Date(SIGNING_DATE.getTime() + offset),
          'us-east-1',
        ),
      ).resolves.toStrictEqual({
        accessKeyId: 'AKIALOCALOPERATOR001',
        principal: DEFAULT_LOCAL_PRINCIPALS.AKIALOCALOPERATOR001,
        region: 'us-east-1',
      });
    }
  });

  it('refuses a changed body, a changed signed header and a false x-amz-content-sha256', async () => {
    const request = await signedRequest('GetAutomationExecution', BODY);
    const expected = { code: 'InvalidSignatureException', message: BAD_SIGNATURE };

    expect(
      await failure({
        ...request,
        body: Buffer.from(JSON.stringify({ AutomationExecutionId: 'f'.repeat(36) })),
      }),
    ).toStrictEqual(expected);
    expect(
      await failure({
        ...request,
        headers: { ...request.headers, 'x-amz-target': 'AmazonSSM.StopAutomationExecution' },
      }),
    ).toStrictEqual(expected);
    expect(
      await failure({ ...request, headers: { ...request.headers, 'x-amz-content-sha256': 'e'.repeat(64) } }),
    ).toStrictEqual(expected);
  });

  it('refuses a signature with another secret or service scope', async () => {
    expect(
      await failure(await signedRequest('GetAutomationExecution', BODY, { secretAccessKey: 'other' })),
    ).toStrictEqual({
      code: 'InvalidSignatureException',
      message: BAD_SIGNATURE,
    });
    expect(
      await failure(await signedRequest('GetAutomationExecution', BODY, { service: 'ec2' })),
    ).toStrictEqual({
      code: 'InvalidSignatureException',
      message: "Credential should be scoped to correct service: 'ssm'. ",
    });
  });

  it('refuses a signature scoped to another region than the service runs in, as AWS does', async () => {
    const euWest1 = await signedRequest('GetAutomationExecution', BODY, { region: 'eu-west-1' });

    expect(await failure(euWest1)).toStrictEqual({
      code: 'InvalidSignatureException',
      message: "Credential should be scoped to a valid region, not 'eu-west-1'. ",
    });
    expect(
      await failure(
        await signedRequest('GetAutomationExecution', BODY, { region: 'eu-west-1', service: 'ec2' }),
      ),
    ).toStrictEqual({
      code: 'InvalidSignatureException',
      message:
        "Credential should be scoped to a valid region, not 'eu-west-1'. Credential should be scoped to correct service: 'ssm'. ",
    });
    // A service in eu-west-1 takes what is signed for eu-west-1 and refuses us-east-1.
    await expect(
      verifySignature(euWest1, DEFAULT_LOCAL_PRINCIPALS, SIGNING_DATE, 'eu-west-1'),
    ).resolves.toStrictEqual({
      accessKeyId: 'AKIALOCALOPERATOR001',
      principal: DEFAULT_LOCAL_PRINCIPALS.AKIALOCALOPERATOR001,
      region: 'eu-west-1',
    });
    expect(
      await failure(await signedRequest('GetAutomationExecution', BODY), SIGNING_DATE, 'eu-west-1'),
    ).toStrictEqual({
      code: 'InvalidSignatureException',
      message: "Credential should be scoped to a valid region, not 'us-east-1'. ",
    });
  });

  it('refuses dates more than 15 minutes off', async () => {
    const request = await signedRequest('GetAutomationExecution', BODY);

    expect(await failure(request, new Date('2025-03-04T05:21:08Z'))).toStrictEqual({
      code: 'InvalidSignatureException',
      message:
        'Signature expired: 20250304T050607Z is now earlier than 20250304T050608Z (20250304T052108Z - 15 min.)',
    });
    expect(await failure(request, new Date('2025-03-04T04:51:06Z'))).toStrictEqual({
      code: 'InvalidSignatureException',
      message:
        'Signature not yet current: 20250304T050607Z is still later than 20250304T050606Z (20250304T045106Z + 15 min.)',
    });
  });

  it('names every missing part of an incomplete Authorization header', async () => {
    const request = await signedRequest('GetAutomationExecution', BODY);
    const { 'x-amz-date': _, ...withoutDate } = request.headers;

    expect(
      await failure({
        ...withAuthorization(request, 'AWS4-HMAC-SHA256 Credential=abc'),
        headers: { ...withoutDate, authorization: 'AWS4-HMAC-SHA256 Credential=abc' },
      }),
    ).toStrictEqual({
      code: 'IncompleteSignatureException',
      message:
        "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=abc",
    });
  });

  it('refuses a malformed date, another algorithm and a short credential scope', async () => {
    const request = await signedRequest('GetAutomationExecution', BODY);
    const auth = request.headers.authorization as string;

    expect(
      await failure({ ...request, headers: { ...request.headers, 'x-amz-date': '2025' } }),
    ).toStrictEqual({
      code: 'IncompleteSignatureException',
      message:
        "Date must be in ISO-8601 'basic format'. Got '2025'. See http://en.wikipedia.org/wiki/ISO_8601",
    });
    expect(
      await failure(withAuthorization(request, auth.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA512'))),
    ).toStrictEqual({
      code: 'IncompleteSignatureException',
      message: "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). ",
    });
    expect(await failure(withAuthorization(request, auth.replace('/us-east-1/ssm/', '/ssm/')))).toStrictEqual(
      {
        code: 'IncompleteSignatureException',
        message:
          "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIALOCALOPERATOR001/20250304/ssm/aws4_request'",
      },
    );
  });

  it('refuses a scope with another date and terminator, and a signature that leaves out Host', async () => {
    const request = await signedRequest('GetAutomationExecution', BODY);
    const auth = request.headers.authorization as string;

    expect(
      await failure(
        withAuthorization(request, auth.replace('/20250304/', '/20250303/').replace('aws4_request', 'aws5')),
      ),
    ).toStrictEqual({
      code: 'InvalidSignatureException',
      message:
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5'. Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20250303' != '20250304', from '20250304T050607Z'.",
    });
    expect(await failure(withAuthorization(request, auth.replace('host;', '')))).toStrictEqual({
      code: 'InvalidSignatureException',
      message: "'Host' must be a 'SignedHeader' in the AWS Authorization.",
    });
  });

  it('refuses an unsigned request and an unknown access key', async () => {
    const request = await signedRequest('GetAutomationExecution', BODY, {
      accessKeyId: 'AKIAUNKNOWN000000000',
    });
    const { authorization: _, ...unsigned } = request.headers;

    expect(await failure({ ...request, headers: unsigned })).toStrictEqual({
      code: 'MissingAuthenticationTokenException',
      message: 'Request is missing Authentication Token',
    });
    expect(await failure(request)).toStrictEqual({
      code: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
  });
});
