/** One gate notification, with hostile text in every field a runbook author controls, for the renderers' tests. */
import type { GateNotification, NotificationLinks } from '../../lambda/notify/notification';

export const EXECUTION_ID = '0b7e4c1a-3f2d-4e8b-9a61-2c5d8f0e1a22';
export const STEP_EXECUTION_ID = '5e0d2a8c-1b3f-4c6d-8e9f-0a1b2c3d4e5f';
export const BASE = `https://abc123.execute-api.eu-west-1.amazonaws.com/executions/${EXECUTION_ID}`;
export const HOSTILE = `<script>alert(1)</script>"'&`;
export const DEADLINE = new Date('2025-11-21T15:04:05Z');

export const LINKS: NotificationLinks = {
  approve: `${BASE}/approve?token=eyJhbGciOiJIUzI1NiJ9.YXBwcm92ZQ.c2ln-A_1`,
  reject: `${BASE}/reject?token=eyJhbGciOiJIUzI1NiJ9.cmVqZWN0.c2ln-R_2`,
  stop: `${BASE}/stop?token=eyJhbGciOiJIUzI1NiJ9.c3RvcA.c2ln-S_3`,
  expiresAt: DEADLINE,
};

export const DETAILS_URL = `${BASE}?token=eyJhbGciOiJIUzI1NiJ9.ZGV0YWlscw.c2ln-D_4`;

export const NOTIFICATION: GateNotification = {
  execution: {
    executionId: EXECUTION_ID,
    documentName: 'Demo-ApproveChange',
    documentVersion: '3',
    executedBy: 'arn:aws:sts::111122223333:assumed-role/Admin/alice@example.com',
    startedAt: new Date('2025-11-19T08:30:00Z'),
    parameters: { Targets: ['i-1', 'i-2'], Note: [HOSTILE], Empty: [] },
  },
  gate: {
    stepName: 'ApproveChange',
    stepExecutionId: STEP_EXECUTION_ID,
    message: `Restart the web tier.  \r\n\r\nCheck ${HOSTILE} first.\n`,
    approvers: ['arn:aws:iam::111122223333:role/Signal'],
    minRequiredApprovals: 2,
    timeoutSeconds: 604800,
    startedAt: new Date('2025-11-14T15:04:05Z'),
    deadline: DEADLINE,
  },
};
