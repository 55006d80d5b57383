/**
 * The SSM clients that signal as each approver seat. Seat 1 is the signal role itself: its client is the
 * function's own mutation client. Seats 2..K are roles only the signal role may assume: their clients take
 * credentials from STS AssumeRole, through the SDK's own `fromTemporaryCredentials` (well kept, and the
 * SSM client memoizes what it returns and refreshes it before it expires, so no credential cache is
 * written by hand). Locally, STS is reached through the standard `AWS_ENDPOINT_URL_STS`.
 *
 * The session name is the person key (person.ts), so that CloudTrail and SSM's recorded approver ARN
 * (`assumed-role/<seat role>/<session>`) show whose approval went through the seat. One client per seat
 * and person, kept while the function lives (at most {@link MAX_CACHED_CLIENTS}, oldest dropped first).
 */
import type { SSMClient } from '@aws-sdk/client-ssm';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { createSsmClient } from '../core/ssm-client';
import { sessionNameOf } from './person';

/** The client that sends a seat's mutating call (`maxAttempts: 1`, see lambda/decision/carry-out.ts). */
export type SeatClients = (seat: string, person: string) => SSMClient;

/** A seat session lasts 15 minutes, STS's minimum: a decision needs seconds. */
export const SEAT_SESSION_SECONDS = 900;
export const MAX_CACHED_CLIENTS = 50;

/** STS within the request's budget: 3 attempts of at most 2 s each, like the other AWS clients. */
const STS_CLIENT_CONFIG = {
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true },
} as const;

/**
 * @param seat1 the signal role's own mutation client (seat 1 = `seats[0]`).
 * @param makeClient builds a seat's client from its credentials provider (tests give the SSM endpoint).
 */
export const assumedRoleSeatClients = (
  seats: readonly string[],
  seat1: SSMClient,
  makeClient: (credentials: ReturnType<typeof fromTemporaryCredentials>) => SSMClient = (credentials) =>
    createSsmClient({ maxAttempts: 1, credentials }),
): SeatClients => {
  const clients = new Map<string, SSMClient>();
  return (seat, person) => {
    if (seat === seats[0]) return seat1;
    const roleSessionName = sessionNameOf(person);
    const key = `${seat}\n${roleSessionName}`;
    let client = clients.get(key);
    if (client === undefined) {
      client = makeClient(
        fromTemporaryCredentials({
          params: { RoleArn: seat, RoleSessionName: roleSessionName, DurationSeconds: SEAT_SESSION_SECONDS },
          clientConfig: STS_CLIENT_CONFIG,
        }),
      );
      clients.set(key, client);
      if (clients.size > MAX_CACHED_CLIENTS) {
        const [oldest] = clients.keys();
        if (oldest !== undefined) {
          clients.get(oldest)?.destroy();
          clients.delete(oldest);
        }
      }
    }
    return client;
  };
};
