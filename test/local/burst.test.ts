/**
 * A burst against the whole local stack (startLocalStack, as `npm start` runs it): 400 approvals at once,
 * each of its own waiting execution, with the API token. Every one is a healthy call, so every one must
 * be answered 200 with what was done. When one worker took every invocation, its SDK client's 50 sockets
 * were shared by all of them, calls queued past their timeouts, and about three in four of these
 * answered 502 or 504 ("outcome unknown"). 400 because a burst of 250 still got through that way.
 */
import { type E2E, startE2E } from '../e2e/local-stack';

const BURST = 400;

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
}, 30_000);
afterAll(() => e2e?.close());

const countBy = (values: readonly (string | number | undefined)[]) => {
  const counts: Record<string, number> = {};
  for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
  return counts;
};

it(`answers ${BURST} concurrent approvals of distinct executions each with 200 and the decision sent`, async () => {
  const ids = await Promise.all(Array.from({ length: BURST }, () => e2e.start('Demo-ApproveChange')));

  const answers = await Promise.all(
    ids.map(async (id) => {
      const response = await e2e.post(`/executions/${id}/approve`, { json: { comment: 'burst' } });
      return { id, status: response.status, body: (await response.json()) as unknown };
    }),
  );

  expect(countBy(answers.map((answer) => answer.status))).toEqual({ 200: BURST });
  for (const answer of answers) {
    expect(answer.body).toEqual({
      executionId: answer.id,
      action: 'approve',
      operation: 'SendAutomationSignal',
      signalType: 'Approve',
      payload: { Comment: ['Approved via API token by local-curl: burst'] },
    });
  }
  expect(countBy(await Promise.all(ids.map((id) => e2e.status(id))))).toEqual({ Success: BURST });
}, 60_000);
