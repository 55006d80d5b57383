/**
 * A lost answer must never decide the next gate. Approve names only the execution, so if the SDK repeated
 * an Approve whose first attempt was applied, the repeat would approve whichever gate waits next. The
 * signal handler sends the mutating call once, through the real SDK, against the simulator behind a fault
 * proxy, on Demo-TwoGates: the first gate is approved, the second still waits, and the answer is true.
 */
import path from 'node:path';
import {
  DescribeAutomationStepExecutionsCommand,
  SSMClient,
  StartAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { DEFAULT_LOCAL_PRINCIPALS, type Simulator, startSimulator } from '../../local/simulator';
import { context, formPost, jsonPost } from '../support/events';
import { type FaultProxy, faults, startFaultProxy } from '../support/fault-proxy';
import { bearer, link, useTestSecret } from '../support/secrets';

const SIGNAL = 'AmazonSSM.SendAutomationSignal';
const credentials = (accessKeyId: string) => ({
  accessKeyId,
  secretAccessKey: DEFAULT_LOCAL_PRINCIPALS[accessKeyId]?.secretAccessKey ?? '',
});

let simulator: Simulator;
let proxy: FaultProxy;
let operator: SSMClient;
let handler: typeof import('../../lambda/handlers/signal')['handler'];

beforeAll(async () => {
  simulator = await startSimulator({ runbookDir: path.join(__dirname, '..', '..', 'local', 'runbooks') });
  proxy = await startFaultProxy(simulator.url);
  operator = new SSMClient({
    endpoint: simulator.url,
    region: 'us-east-1',
    credentials: credentials('AKIALOCALOPERATOR001'),
  });
  // The signal function as Lambda loads it: its own credentials, SSM reached through the proxy.
  const signal = credentials('AKIALOCALWEBHOOKSIGN');
  process.env.AWS_ENDPOINT_URL_SSM = proxy.url;
  process.env.AWS_ACCESS_KEY_ID = signal.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = signal.secretAccessKey;
  useTestSecret();
  ({ handler } = require('../../lambda/handlers/signal') as typeof import('../../lambda/handlers/signal'));
});
afterAll(async () => {
  operator?.destroy();
  await proxy?.close();
  await simulator?.close();
});
beforeEach(() => proxy.reset());

const startTwoGates = async () => {
  const { AutomationExecutionId: id } = await operator.send(
    new StartAutomationExecutionCommand({ DocumentName: 'Demo-TwoGates' }),
  );
  return id as string;
};

const steps = async (id: string) =>
  Object.fromEntries(
    (
      (await operator.send(new DescribeAutomationStepExecutionsCommand({ AutomationExecutionId: id })))
        .StepExecutions ?? []
    ).map((step) => [step.StepName, { status: step.StepStatus, id: step.StepExecutionId }]),
  );

describe.each([
  ['its answer lost after it was applied', faults.lostAfterApply],
  ['a 500 after it was applied', faults.status5xxAfterApply(500)],
])('an Approve with %s', (_case, fault) => {
  it('through a step-bound link: 200, sent once, and the second gate still waits', async () => {
    const id = await startTwoGates();
    const staging = (await steps(id)).ApproveStaging?.id as string;
    const token = await link(id, ['approve'], {
      gate: { stepName: 'ApproveStaging', stepExecutionId: staging },
    });
    proxy.once(SIGNAL, fault);
    const response = await handler(formPost(`/executions/${id}/approve`, { token }), context());
    expect(response.statusCode).toBe(200);
    expect(proxy.count(SIGNAL)).toBe(1);
    const after = await steps(id);
    expect(after.ApproveStaging?.status).toBe('Success');
    expect(after.ApproveProduction?.status).toBe('Waiting');
  });

  it('through an API token: 200, sent once, and the second gate still waits', async () => {
    const id = await startTwoGates();
    proxy.once(SIGNAL, fault);
    const response = await handler(jsonPost(`/executions/${id}/approve`, {}, bearer()), context());
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({
      executionId: id,
      action: 'approve',
      signalType: 'Approve',
    });
    expect(proxy.count(SIGNAL)).toBe(1);
    const after = await steps(id);
    expect(after.ApproveStaging?.status).toBe('Success');
    expect(after.ApproveProduction?.status).toBe('Waiting');
  });
});
