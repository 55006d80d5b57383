import type { SlackIdentity } from '../../lambda/auth/authenticate';
import { ConfigurationError } from '../../lambda/core/errors';
import { personKeyOf, sessionNameOf } from '../../lambda/quorum/person';
import { parseSeats, SEATS_ENV, seatNumber, seatsOfGate } from '../../lambda/quorum/seats';

const SEAT_1 = 'arn:aws:iam::123456789012:role/ssm-approval-webhook-signal';
const SEAT_2 = 'arn:aws:iam::123456789012:role/ssm-approval-webhook-seat-2';
const SEAT_3 = 'arn:aws:iam::123456789012:role/path/ssm-approval-webhook-seat-3';

describe('parseSeats', () => {
  it('reads the JSON array, seat 1 first', () => {
    expect(parseSeats({ [SEATS_ENV]: JSON.stringify([SEAT_1, SEAT_2, SEAT_3]) })).toEqual([
      SEAT_1,
      SEAT_2,
      SEAT_3,
    ]);
  });

  it.each([
    ['absent', {}],
    ['empty', { [SEATS_ENV]: '' }],
    ['blank', { [SEATS_ENV]: '  ' }],
  ])('%s → no seats configured', (_name, env) => {
    expect(parseSeats(env)).toEqual([]);
  });

  it.each([
    ['not JSON', '[arn', `${SEATS_ENV} is not valid JSON`],
    ['not an array', JSON.stringify({ seat: SEAT_1 }), `${SEATS_ENV} must be a JSON array of role ARNs`],
    [
      'a user ARN',
      JSON.stringify([SEAT_1, 'arn:aws:iam::123456789012:user/alice']),
      `${SEATS_ENV}[1] is not an IAM role ARN`,
    ],
    ['a number', JSON.stringify([7]), `${SEATS_ENV}[0] is not an IAM role ARN`],
    ['a seat twice', JSON.stringify([SEAT_1, SEAT_1]), `${SEATS_ENV} lists a seat twice`],
    [
      'eleven seats',
      JSON.stringify(Array.from({ length: 11 }, (_, i) => `arn:aws:iam::123456789012:role/seat-${i + 1}`)),
      `${SEATS_ENV} lists 11 seats; at most 10`,
    ],
  ])('%s → a ConfigurationError that names the problem', (_name, value, message) => {
    const parse = () => parseSeats({ [SEATS_ENV]: value });
    expect(parse).toThrow(ConfigurationError);
    expect(parse).toThrow(message);
  });
});

describe('seatsOfGate', () => {
  it('keeps the seats the gate lists, in seat order, whatever the order or path in Approvers', () => {
    const approvers = [
      'arn:aws:iam::123456789012:role/ssm-approval-webhook-seat-3',
      'arn:aws:iam::123456789012:user/local-operator',
      SEAT_1,
    ];
    expect(seatsOfGate({ approvers }, [SEAT_1, SEAT_2, SEAT_3])).toEqual([SEAT_1, SEAT_3]);
    expect(seatNumber(SEAT_3, [SEAT_1, SEAT_2, SEAT_3])).toBe(3);
  });

  it('a gate listing no seat has none', () => {
    expect(seatsOfGate({ approvers: ['local-operator'] }, [SEAT_1, SEAT_2])).toEqual([]);
  });
});

describe('personKeyOf', () => {
  const slack: SlackIdentity = {
    kind: 'slack',
    channel: 'slack',
    name: 'alice',
    userId: 'U0ALICE',
    teamId: 'T0TEAM',
    slackChannelId: 'C0OPS',
    gate: { stepName: 'Approve', stepExecutionId: '00000000-0000-4000-8000-000000000002' },
    tokenId: '00000000-0000-4000-8000-000000000003',
    keyId: 'k1',
  };

  it('names a link by its approver label, an API client by its name, a Slack user by team and id', () => {
    expect(
      personKeyOf({ kind: 'link', channel: 'link', name: 'alice@example.com', tokenId: 't', via: 'email' }),
    ).toBe('link:alice@example.com');
    expect(
      personKeyOf({
        kind: 'api',
        channel: 'api',
        name: 'jira',
        scope: { actions: ['approve'], runbooks: ['*'] },
      }),
    ).toBe('api:jira');
    expect(personKeyOf(slack)).toBe('slack:T0TEAM:U0ALICE');
    // A Slack user's name changes nothing: the id is the person.
    expect(personKeyOf({ ...slack, name: 'alice (new name)' })).toBe('slack:T0TEAM:U0ALICE');
  });
});

describe('sessionNameOf', () => {
  it.each([
    // Only the kind's separators changed: readable as it is, and no two keys alike.
    ['link:alice@example.com', 'link.alice@example.com'],
    ['slack:T0TEAM:U0ALICE', 'slack.T0TEAM.U0ALICE'],
    // Changed or cut: ends with "-" and 8 hex digits of the key's SHA-256.
    ['api:change bot/ü', 'api.change-bot---64469680'],
    [`link:${'a'.repeat(100)}`, `link.${'a'.repeat(50)}-83da8af5`],
    ['link:a:b', 'link.a.b-af992b40'],
    // A label that already ends like a changed name's suffix gets its own.
    ['link:alice-0123abcd', 'link.alice-0123abcd-6f3bb251'],
  ])('%s → %s (STS: 2–64 of [\\w+=,.@-])', (person, session) => {
    expect(sessionNameOf(person)).toBe(session);
    expect(sessionNameOf(person)).toMatch(/^[\w+=,.@-]{2,64}$/);
  });

  it.each([
    // Characters outside STS's set all became "-".
    ['api:change bot/x', 'api:change-bot-x', 'api.change-bot-x-c42d5e25', 'api.change-bot-x'],
    // A ":" inside a label became "." as the separator does.
    ['link:a:b', 'link:a.b', 'link.a.b-af992b40', 'link.a.b'],
    // Two long keys that differ only after the 64th character (both names are 64 long).
    [
      `link:${'a'.repeat(100)}`,
      `link:${'a'.repeat(99)}b`,
      `link.${'a'.repeat(50)}-83da8af5`,
      `link.${'a'.repeat(50)}-e20e1f11`,
    ],
  ])('%s and %s, alike before, now differ', (first, second, firstName, secondName) => {
    expect([sessionNameOf(first), sessionNameOf(second)]).toEqual([firstName, secondName]);
    expect(firstName).not.toBe(secondName);
  });
});
