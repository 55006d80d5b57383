/**
 * Seat clients for real: the signal role's credentials assume seat 2 through the local STS (reached, as
 * in the deployed functions, through the SDK's own AWS_ENDPOINT_URL_STS), with the session named for the
 * person and lasting SEAT_SESSION_SECONDS; the credentials are kept until they expire.
 */
import { SSMClient } from '@aws-sdk/client-ssm';
import {
  assumedRoleSeatClients,
  MAX_CACHED_CLIENTS,
  SEAT_SESSION_SECONDS,
} from '../../lambda/quorum/seat-clients';
import { DEFAULT_LOCAL_PRINCIPALS } from '../../local/simulator';
import { type LocalSts, startLocalSts } from '../../local/sts/server';

const SEAT_1 = 'arn:aws:iam::123456789012:role/ssm-approval-webhook-signal';
const SEAT_2 = 'arn:aws:iam::123456789012:role/ssm-approval-webhook-seat-2';
const secretOf = (key: string) => DEFAULT_LOCAL_PRINCIPALS[key]?.secretAccessKey as string;

let sts: LocalSts;
const saved = { ...process.env };

beforeAll(async () => {
  sts = await startLocalSts({
    callers: {
      AKIALOCALWEBHOOKSIGN: {
        secretAccessKey: secretOf('AKIALOCALWEBHOOKSIGN'),
        arn: DEFAULT_LOCAL_PRINCIPALS.AKIALOCALWEBHOOKSIGN?.arn as string,
      },
    },
    roles: {
      [SEAT_2]: {
        trustedCallers: ['AKIALOCALWEBHOOKSIGN'],
        credentials: {
          accessKeyId: 'AKIALOCALWEBHOOKSEAT2',
          secretAccessKey: secretOf('AKIALOCALWEBHOOKSEAT2'),
        },
      },
    },
  });
  // What the function runs with: the signal role's credentials, and STS's endpoint setting.
  process.env.AWS_ENDPOINT_URL_STS = sts.url;
  process.env.AWS_ACCESS_KEY_ID = 'AKIALOCALWEBHOOKSIGN';
  process.env.AWS_SECRET_ACCESS_KEY = secretOf('AKIALOCALWEBHOOKSIGN');
});
afterAll(async () => {
  process.env = saved;
  await sts.close();
});

const seatClientOn = (credentials: SSMClient['config']['credentials']) =>
  new SSMClient({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', maxAttempts: 1, credentials });

it('seat 1 is the signal role’s own client; seat 2 assumes its role once per person, named for them', async () => {
  const seat1 = new SSMClient({ region: 'us-east-1' });
  const clients = assumedRoleSeatClients([SEAT_1, SEAT_2], seat1, seatClientOn);

  expect(clients(SEAT_1, 'link:alice@example.com')).toBe(seat1);
  const seat2 = clients(SEAT_2, 'link:alice@example.com');
  expect(clients(SEAT_2, 'link:alice@example.com')).toBe(seat2);
  expect(clients(SEAT_2, 'link:bob@example.com')).not.toBe(seat2);

  const credentials = await seat2.config.credentials();

  expect(credentials).toEqual({
    accessKeyId: 'AKIALOCALWEBHOOKSEAT2',
    secretAccessKey: secretOf('AKIALOCALWEBHOOKSEAT2'),
    sessionToken: sts.sessions()[0]?.sessionToken,
    // STS's XML gives the expiry to the second.
    expiration: new Date(Math.floor((sts.sessions()[0]?.expiration.getTime() ?? 0) / 1000) * 1000),
    credentialScope: undefined,
  });
  expect(sts.sessions()).toEqual([
    {
      roleArn: SEAT_2,
      roleSessionName: 'link.alice@example.com',
      issuedTo: 'AKIALOCALWEBHOOKSIGN',
      accessKeyId: 'AKIALOCALWEBHOOKSEAT2',
      sessionToken: expect.any(String),
      expiration: expect.any(Date),
    },
  ]);
  const session = sts.sessions()[0];
  expect(((session?.expiration.getTime() ?? 0) - Date.now()) / 1000).toBeGreaterThan(
    SEAT_SESSION_SECONDS - 60,
  );
  expect(((session?.expiration.getTime() ?? 0) - Date.now()) / 1000).toBeLessThanOrEqual(
    SEAT_SESSION_SECONDS,
  );
  // The credentials are kept: a second call assumes nothing.
  await seat2.config.credentials();
  expect(sts.sessions()).toHaveLength(1);
});

it(`keeps at most ${MAX_CACHED_CLIENTS} clients, dropping the oldest`, () => {
  const seat1 = new SSMClient({ region: 'us-east-1' });
  const clients = assumedRoleSeatClients([SEAT_1, SEAT_2], seat1, seatClientOn);
  const first = clients(SEAT_2, 'api:client-0');
  for (let n = 1; n <= MAX_CACHED_CLIENTS; n += 1) clients(SEAT_2, `api:client-${n}`);
  expect(clients(SEAT_2, `api:client-${MAX_CACHED_CLIENTS}`)).toBe(
    clients(SEAT_2, `api:client-${MAX_CACHED_CLIENTS}`),
  );
  expect(clients(SEAT_2, 'api:client-0')).not.toBe(first);
});
