/** GetAutomationExecution answers as SSM gives them (inputs JSON-encoded), for the gate tests. */
import type { AutomationExecution, StepExecution } from '@aws-sdk/client-ssm';

export const EXECUTION_ID = '0b7e4c1a-3f2d-4e8b-9a61-2c5d8f0e1a22';
export const SIGNAL_ROLE = 'arn:aws:iam::123456789012:role/ssm-approval-webhook-signal';
export const STAGING_ID = '11111111-1111-4111-8111-111111111111';
export const PRODUCTION_ID = '22222222-2222-4222-8222-222222222222';

export const approveStep = (
  name: string,
  id: string,
  status: string,
  extra: Partial<StepExecution> = {},
): StepExecution => ({
  StepName: name,
  Action: 'aws:approve',
  StepExecutionId: id,
  StepStatus: status as StepExecution['StepStatus'],
  ExecutionStartTime: new Date('2026-12-01T16:00:00Z'),
  TimeoutSeconds: 3600,
  Inputs: {
    Approvers: JSON.stringify([SIGNAL_ROLE]),
    MinRequiredApprovals: '1',
    Message: JSON.stringify(`Approve ${name}?\nSecond line`),
    NotificationArn: JSON.stringify('arn:aws:sns:us-east-1:123456789012:Automation-Test'),
  },
  ...extra,
});

export const approved = (name: string, id: string, comment: string): StepExecution =>
  approveStep(name, id, 'Success', {
    ExecutionEndTime: new Date('2026-12-01T16:04:00Z'),
    Outputs: {
      ApprovalStatus: ['Approved'],
      ApproverDecisions: [
        JSON.stringify({
          Approver: SIGNAL_ROLE,
          Decision: 'Approve',
          Comment: comment,
          ApprovalDecisionTime: '2026-12-01T16:04:00.000Z',
        }),
      ],
    },
  });

export const execution = (
  status: string,
  steps: StepExecution[],
  extra: Partial<AutomationExecution> = {},
): AutomationExecution => ({
  AutomationExecutionId: EXECUTION_ID,
  DocumentName: 'Demo-TwoGates',
  DocumentVersion: '1',
  AutomationExecutionStatus: status as AutomationExecution['AutomationExecutionStatus'],
  ExecutionStartTime: new Date('2026-12-01T15:59:00Z'),
  ExecutedBy: 'arn:aws:iam::123456789012:user/local-operator',
  Parameters: { Version: ['1.2.3'] },
  StepExecutions: [
    { StepName: 'Prepare', Action: 'aws:executeScript', StepExecutionId: 'p-1', StepStatus: 'Success' },
    ...steps,
  ],
  ...extra,
});
