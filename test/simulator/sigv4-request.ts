import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { DEFAULT_LOCAL_PRINCIPALS } from '../../local/simulator/principals';
import type { ReceivedRequest } from '../../local/simulator/sigv4';

export const SIGNING_DATE = new Date('2025-03-04T05:06:07Z');

/** A request as the server receives it, signed like the SDK signs (lower-case headers). */
export const signedRequest = async (
  target: string,
  body: unknown,
  options: {
    readonly accessKeyId?: string;
    readonly secretAccessKey?: string;
    readonly signingDate?: Date;
    readonly region?: string;
    readonly service?: string;
  } = {},
): Promise<ReceivedRequest> => {
  const accessKeyId = options.accessKeyId ?? 'AKIALOCALOPERATOR001';
  const text = JSON.stringify(body);
  const request = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 1234,
    path: '/',
    headers: {
      host: '127.0.0.1:1234',
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AmazonSSM.${target}`,
    },
    body: text,
  });
  const signer = new SignatureV4({
    credentials: {
      accessKeyId,
      secretAccessKey:
        options.secretAccessKey ?? DEFAULT_LOCAL_PRINCIPALS[accessKeyId]?.secretAccessKey ?? 'x',
    },
    region: options.region ?? 'us-east-1',
    service: options.service ?? 'ssm',
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign(request, { signingDate: options.signingDate ?? SIGNING_DATE });
  const headers = Object.fromEntries(
    Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), String(v)]),
  );
  return { method: 'POST', url: '/', headers, body: Buffer.from(text) };
};
