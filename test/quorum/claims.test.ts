/** The seat claims against dynalite: whole claims or none, one seat per person, one person per seat. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { type ClaimStore, dynamoClaimStore, quorumItemId } from '../../lambda/quorum/claims';
import { LOCAL_DYNAMO_CREDENTIALS, type LocalDynamo, startLocalDynamo } from '../../local/dynamodb/server';

const SEAT_1 = 'arn:aws:iam::123456789012:role/ssm-approval-webhook-signal';
const SEAT_2 = 'arn:aws:iam::123456789012:role/ssm-approval-webhook-seat-2';
const AT = new Date('2026-12-01T16:04:00.000Z');
const EXPIRES = new Date('2026-12-09T16:04:00.000Z');

let dynamo: LocalDynamo;
let client: DynamoDBClient;
let store: ClaimStore;
let gateNumber = 0;
const newGate = () => ({
  executionId: '3f1c6a52-9d7e-4a51-8f0e-2b8c1d0e4a77',
  stepExecutionId: `00000000-0000-4000-8000-${String(++gateNumber).padStart(12, '0')}`,
});
const claimOf = (seat: string, person: string) => ({
  seat,
  person,
  name: person.split(':')[1] ?? person,
  at: AT,
});

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  client = new DynamoDBClient({
    endpoint: dynamo.url,
    region: 'us-east-1',
    credentials: LOCAL_DYNAMO_CREDENTIALS,
  });
  store = dynamoClaimStore(client, dynamo.tableName);
});
afterAll(async () => {
  client.destroy();
  await dynamo.close();
});

describe('claim', () => {
  it('writes the seat and the person in one item, with the gate and its expiry', async () => {
    const gate = newGate();
    expect(await store.claim(gate, claimOf(SEAT_1, 'link:alice@example.com'), EXPIRES)).toEqual({
      kind: 'claimed',
    });

    const { Item } = await DynamoDBDocumentClient.from(client).send(
      new GetCommand({ TableName: dynamo.tableName, Key: { id: quorumItemId(gate) } }),
    );
    expect(Item).toEqual({
      id: `quorum#${gate.executionId}#${gate.stepExecutionId}`,
      executionId: gate.executionId,
      stepExecutionId: gate.stepExecutionId,
      [`seat#${SEAT_1}`]: {
        person: 'link:alice@example.com',
        name: 'alice@example.com',
        state: 'sending',
        at: '2026-12-01T16:04:00.000Z',
      },
      'person#link:alice@example.com': SEAT_1,
      expiration: Math.ceil(EXPIRES.getTime() / 1000),
    });
  });

  it('a seat another person holds is taken; a person who holds a seat is told which', async () => {
    const gate = newGate();
    await store.claim(gate, claimOf(SEAT_1, 'link:alice@example.com'), EXPIRES);

    expect(await store.claim(gate, claimOf(SEAT_1, 'link:bob@example.com'), EXPIRES)).toEqual({
      kind: 'taken',
    });
    expect(await store.claim(gate, claimOf(SEAT_2, 'link:alice@example.com'), EXPIRES)).toEqual({
      kind: 'holds',
      claim: {
        seat: SEAT_1,
        person: 'link:alice@example.com',
        name: 'alice@example.com',
        state: 'sending',
        at: AT,
      },
    });
    expect(await store.claimsOf(gate)).toEqual([
      { seat: SEAT_1, person: 'link:alice@example.com', name: 'alice@example.com', state: 'sending', at: AT },
    ]);
  });

  it('five people racing for one seat: exactly one gets it', async () => {
    const gate = newGate();
    const results = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((who) => store.claim(gate, claimOf(SEAT_1, `api:${who}`), EXPIRES)),
    );
    expect(results.filter((r) => r.kind === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'taken')).toHaveLength(4);
    expect(await store.claimsOf(gate)).toHaveLength(1);
  });

  it('one person racing for two seats: exactly one seat', async () => {
    const gate = newGate();
    const results = await Promise.all([
      store.claim(gate, claimOf(SEAT_1, 'api:jira'), EXPIRES),
      store.claim(gate, claimOf(SEAT_2, 'api:jira'), EXPIRES),
    ]);
    expect(results.map((r) => r.kind).sort()).toEqual(['claimed', 'holds']);
    expect(await store.claimsOf(gate)).toHaveLength(1);
  });
});

describe('markSent and release', () => {
  it('marks the holder’s claim sent; frees it only for its holder', async () => {
    const gate = newGate();
    await store.claim(gate, claimOf(SEAT_1, 'link:alice@example.com'), EXPIRES);

    await store.markSent(gate, SEAT_1, 'link:bob@example.com');
    expect((await store.claimsOf(gate))[0]?.state).toBe('sending');
    await store.markSent(gate, SEAT_1, 'link:alice@example.com');
    expect((await store.claimsOf(gate))[0]?.state).toBe('sent');

    await store.release(gate, SEAT_1, 'link:bob@example.com');
    expect(await store.claimsOf(gate)).toHaveLength(1);
    await store.release(gate, SEAT_1, 'link:alice@example.com');
    expect(await store.claimsOf(gate)).toEqual([]);
    // Released whole: the seat is free for someone else, and alice may claim again.
    expect(await store.claim(gate, claimOf(SEAT_1, 'link:bob@example.com'), EXPIRES)).toEqual({
      kind: 'claimed',
    });
    expect(await store.claim(gate, claimOf(SEAT_2, 'link:alice@example.com'), EXPIRES)).toEqual({
      kind: 'claimed',
    });
  });

  it('a gate nobody claimed has no claims, and releasing on it changes nothing', async () => {
    const gate = newGate();
    await store.release(gate, SEAT_1, 'link:alice@example.com');
    await store.markSent(gate, SEAT_1, 'link:alice@example.com');
    expect(await store.claimsOf(gate)).toEqual([]);
  });
});
