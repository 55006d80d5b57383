/** The local stack for end-to-end tests: simulator, local API with worker functions, a temp secret store. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DescribeAutomationStepExecutionsCommand,
  type ExecutionMode,
  GetAutomationExecutionCommand,
  type SSMClient,
  StartAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { type LocalStack, type LocalStackOptions, signedLinks, startLocalStack } from '../../local/runner';

export interface ApproverDecision {
  readonly Approver: string;
  readonly Decision: 'Approve' | 'Reject';
  readonly Comment?: string;
  readonly ApprovalDecisionTime: string;
}

export interface E2E {
  readonly stack: LocalStack;
  readonly ssm: SSMClient;
  readonly secretFile: string;
  start(
    document: string,
    options?: { parameters?: Record<string, string[]>; mode?: ExecutionMode },
  ): Promise<string>;
  status(executionId: string): Promise<string | undefined>;
  steps(executionId: string): Promise<{ name?: string; status?: string; id?: string }[]>;
  /**
   * The decisions recorded on an approval step (its `ApproverDecisions` output, one JSON object each in the
   * simulator): who signalled, Approve or Reject, and the Comment SSM keeps.
   */
  decisions(executionId: string, stepName?: string): Promise<ApproverDecision[]>;
  post(
    path: string,
    init?: { json?: unknown; form?: Record<string, string>; token?: string | null },
  ): Promise<Response>;
  links(executionId: string, approver?: string): ReturnType<typeof signedLinks>;
  /**
   * The `action` link of the e-mail the notifier sent `to` about the execution's gate (a step-bound link,
   * as a person gets it), once the notifier has sent it; fails after `ms`.
   */
  emailedLink(
    executionId: string,
    to: string,
    action: 'approve' | 'reject' | 'stop',
    ms?: number,
  ): Promise<string>;
  close(): Promise<void>;
}

export const startE2E = async (
  options: Pick<LocalStackOptions, 'snsDeliveries' | 'notify' | 'demo'> = {},
): Promise<E2E> => {
  const secretFile = path.join(mkdtempSync(path.join(tmpdir(), 'sawh-e2e-')), 'secrets.json');
  const stack = await startLocalStack({
    apiPort: 0,
    simulatorPort: 0,
    secretFile,
    demo: false,
    logLevel: 'SILENT',
    ...options,
  });
  const ssm = stack.operatorSsm as SSMClient;
  return {
    stack,
    ssm,
    secretFile,
    start: async (document, options = {}) => {
      const started = await ssm.send(
        new StartAutomationExecutionCommand({
          DocumentName: document,
          ...(options.parameters ? { Parameters: options.parameters } : {}),
          ...(options.mode ? { Mode: options.mode } : {}),
        }),
      );
      return started.AutomationExecutionId as string;
    },
    status: async (executionId) =>
      (await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: executionId })))
        .AutomationExecution?.AutomationExecutionStatus,
    steps: async (executionId) =>
      (
        (await ssm.send(new DescribeAutomationStepExecutionsCommand({ AutomationExecutionId: executionId })))
          .StepExecutions ?? []
      ).map((step) => ({ name: step.StepName, status: step.StepStatus, id: step.StepExecutionId })),
    decisions: async (executionId, stepName = 'ApproveChange') => {
      const { StepExecutions: steps = [] } = await ssm.send(
        new DescribeAutomationStepExecutionsCommand({ AutomationExecutionId: executionId }),
      );
      const step = steps.find((candidate) => candidate.StepName === stepName);
      return (step?.Outputs?.ApproverDecisions ?? []).map((text) => JSON.parse(text) as ApproverDecision);
    },
    post: (route, init = {}) => {
      const headers: Record<string, string> = {};
      if (init.token !== null) headers.authorization = `Bearer ${init.token ?? stack.apiToken}`;
      let body: string | undefined;
      if (init.form) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        headers.accept = 'text/html,application/xhtml+xml,*/*;q=0.8';
        body = new URLSearchParams(init.form).toString();
      } else if (init.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(init.json);
      }
      return fetch(`${stack.apiUrl}${route}`, {
        method: 'POST',
        headers,
        ...(body === undefined ? {} : { body }),
      });
    },
    links: (executionId, approver = 'alice@example.com') =>
      signedLinks(secretFile, stack.apiUrl, executionId, approver),
    emailedLink: async (executionId, to, action, ms = 20_000) => {
      const link = new RegExp(`https?://\\S+/executions/${executionId}/${action}\\?token=[A-Za-z0-9._-]+`);
      const deadline = Date.now() + ms;
      for (;;) {
        await stack.notifier?.idle();
        const mailbox = (await (await fetch(`${stack.mailboxUrl}?format=json`)).json()) as {
          to: string[];
          text: string;
        }[];
        const found = mailbox.find((email) => email.to.includes(to) && link.test(email.text));
        if (found) return (link.exec(found.text) as RegExpExecArray)[0];
        if (Date.now() > deadline)
          throw new Error(`no e-mail to ${to} with a ${action} link of ${executionId}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    close: () => stack.close(),
  };
};
