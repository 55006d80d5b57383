/**
 * startLocalStack replaces the `local-curl` token only once everything started (issue "Harden what
 * exists", item 16): a second stack that cannot bind its port leaves the first one's token working.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetAutomationExecutionCommand, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { verifyApiToken } from '../../lambda/auth/api-token';
import { validateSecretDocument } from '../../lambda/auth/secret-document';
import { LOCAL_API_SCOPE, type LocalStack, startLocalStack } from '../../local/runner';
import { readSecretFile } from '../../local/secret-store';

jest.setTimeout(60_000);

describe('a second local stack on a port in use', () => {
  let directory: string;
  let secretFile: string;
  let first: LocalStack;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'start-order-'));
    secretFile = join(directory, 'secrets.json');
    first = await startLocalStack({
      apiPort: 0,
      simulatorPort: 0,
      secretFile,
      demo: false,
      logLevel: 'SILENT',
    });
  });
  afterAll(async () => {
    await first?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('fails and leaves the running stack’s token in place and working', async () => {
    // Given
    const before = await readFile(secretFile, 'utf8');
    const simulatorPort = Number(new URL(first.simulatorUrl as string).port);

    // When
    const error = await startLocalStack({
      apiPort: 0,
      simulatorPort,
      secretFile,
      demo: false,
      logLevel: 'SILENT',
    }).then(
      () => undefined,
      (reason: unknown) => reason,
    );

    // Then
    expect(error).toMatchObject({ code: 'EADDRINUSE', port: simulatorPort });
    expect(await readFile(secretFile, 'utf8')).toBe(before);
    const config = validateSecretDocument(await readSecretFile(secretFile));
    expect(verifyApiToken(config, first.apiToken)).toEqual({
      clientName: 'local-curl',
      scope: LOCAL_API_SCOPE,
    });
    const started = await first.operatorSsm?.send(
      new StartAutomationExecutionCommand({ DocumentName: 'Demo-ApproveChange' }),
    );
    const executionId = started?.AutomationExecutionId as string;
    await waitUntilWaiting(first, executionId);
    const response = await fetch(`${first.apiUrl}/executions/${executionId}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first.apiToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(200);
  });
});

async function waitUntilWaiting(stack: LocalStack, executionId: string): Promise<void> {
  for (;;) {
    const { AutomationExecution } = (await stack.operatorSsm?.send(
      new GetAutomationExecutionCommand({ AutomationExecutionId: executionId }),
    )) ?? { AutomationExecution: undefined };
    if (AutomationExecution?.AutomationExecutionStatus === 'Waiting') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
