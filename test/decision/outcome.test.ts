/** judge for an Approve sent through an approver seat (docs/quorum.md): applied once SSM shows the seat's Approve. */
import { judge } from '../../lambda/decision/outcome';
import type { ExecutionView, GateView } from '../../lambda/gate/execution-view';

const SEAT_2 = 'arn:aws:iam::123456789012:role/ssm-approval-webhook-seat-2';
const SEAT_2_SESSION =
  'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-seat-2/link.alice@example.com';
const SEAT_1_SESSION = 'arn:aws:sts::123456789012:assumed-role/ssm-approval-webhook-signal/local';

const gate = (extra: Partial<GateView> = {}): GateView => ({
  stepName: 'ApproveChange',
  stepExecutionId: '00000000-0000-4000-8000-000000000002',
  approvers: [],
  minRequiredApprovals: 2,
  timeoutSeconds: 3600,
  stepStatus: 'Waiting',
  waiting: true,
  ...extra,
});
const view = (g: GateView): ExecutionView => ({
  executionId: '00000000-0000-4000-8000-000000000001',
  documentName: 'Demo-Quorum',
  parameters: {},
  status: g.waiting ? 'Waiting' : 'InProgress',
  finished: false,
  gates: [g],
});
const intent = { action: 'approve' as const, seat: SEAT_2 };
const approval = (approver: string) => ({
  approver,
  decision: 'Approve',
  comment: 'Approved via e-mail link by alice@example.com',
  at: new Date('2026-12-01T16:04:00Z'),
});

it('a gate still waiting that shows the seat’s Approve: applied', () => {
  const after = gate({ decisions: [approval(SEAT_2_SESSION)] });
  expect(judge(intent, view(gate()), view(after))).toEqual({ kind: 'applied', gate: after });
});

it('a gate still waiting that shows only another seat’s Approve (or none): pending', () => {
  expect(judge(intent, view(gate()), view(gate({ decisions: [approval(SEAT_1_SESSION)] })))).toEqual({
    kind: 'pending',
  });
  expect(judge(intent, view(gate()), view(gate()))).toEqual({ kind: 'pending' });
});

it('without a seat, a waiting gate stays pending as before', () => {
  expect(
    judge({ action: 'approve' }, view(gate()), view(gate({ decisions: [approval(SEAT_2_SESSION)] }))),
  ).toEqual({ kind: 'pending' });
});
