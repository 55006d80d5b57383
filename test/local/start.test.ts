/**
 * What `npm start` prints and how it refuses to start (issue "Harden what exists", items 16 and 17): the
 * banner's commands (each API call on its own execution, how to start another demo execution), the message
 * for a port in use, and the --real-ssm check of AWS credentials and region.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalStack } from '../../local/runner';
import {
  banner,
  CREDENTIALS_TIMEOUT_MS,
  checkPortFree,
  checkRealSsmAccess,
  startFailureMessage,
} from '../../local/start';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';
const AWS =
  'AWS_ACCESS_KEY_ID=AKIALOCALOPERATOR001 AWS_SECRET_ACCESS_KEY=local-dummy-secret-operator-0000000000000 /usr/bin/aws ssm';
const WHERE = '--endpoint-url http://127.0.0.1:3001 --region us-east-1';
const CURL = (id: string, action: string, body: string) =>
  `  curl -sS -w '\\n' -X POST 'http://127.0.0.1:3000/executions/${id}/${action}' -H 'Authorization: Bearer sawh_TOKEN' -H 'Content-Type: application/json' -d '${body}'`;

describe('the npm start banner', () => {
  const base = { apiUrl: 'http://127.0.0.1:3000', apiToken: 'sawh_TOKEN', close: async () => undefined };

  it('gives each API call its own execution, and says how to start another demo execution and the quorum demo', () => {
    const stack: LocalStack = {
      ...base,
      simulatorUrl: 'http://127.0.0.1:3001',
      mailboxUrl: 'http://127.0.0.1:3000/_local/mailbox',
      slackUrl: 'http://127.0.0.1:3000/_local/slack',
      slackUsers: {
        approver: { id: 'U0LOCALALICE', name: 'alice', realName: 'Alice' },
        bystander: { id: 'U0LOCALBOB', name: 'bob', realName: 'Bob' },
      },
      teamsUrl: 'http://127.0.0.1:3000/_local/teams',
      demo: {
        executionId: A,
        links: { approve: 'LINK-APPROVE', reject: 'LINK-REJECT', stop: 'LINK-STOP' },
        apiExecutions: { approve: A, reject: B, stop: C },
      },
    };

    expect(banner(stack).split('\n')).toEqual([
      '',
      'ssm-approval-webhook is running locally.',
      '  API:       http://127.0.0.1:3000',
      '  OpenAPI:   http://127.0.0.1:3000/openapi.json',
      '  Simulator: http://127.0.0.1:3001 (SSM Automation, wire-compatible)',
      "  Mailbox:   http://127.0.0.1:3000/_local/mailbox  (the notifier's e-mails)",
      '  Slack:     http://127.0.0.1:3000/_local/slack  (#approvals, with working buttons)',
      '  Teams:     http://127.0.0.1:3000/_local/teams  (the cards posted to change-room)',
      '',
      `Demo execution ${A} (runbook Demo-ApproveChange) is Waiting at step ApproveChange.`,
      'Its approval e-mail is in the mailbox: open http://127.0.0.1:3000/_local/mailbox',
      'Its Slack message is in #approvals: open http://127.0.0.1:3000/_local/slack and act as one of the two users there:',
      '  alice U0LOCALALICE may approve; bob U0LOCALBOB may not.',
      '',
      'Or open a signed link made by hand (not bound to the step; a confirmation page, only its button acts):',
      '  approve: LINK-APPROVE',
      '  reject:  LINK-REJECT',
      '  stop:    LINK-STOP',
      '',
      'Or call the API as a ticketing system would (API client "local-curl"). A decision ends the wait, so each',
      'call has its own execution: approve the demo execution; reject and stop two more started for them:',
      CURL(A, 'approve', '{"comment":"Looks good"}'),
      CURL(B, 'reject', '{"comment":"Not now"}'),
      CURL(C, 'stop', '{"type":"Cancel"}'),
      '',
      'See an execution in the simulator with the AWS CLI:',
      `  ${AWS} get-automation-execution --automation-execution-id ${A} ${WHERE} --query AutomationExecution.AutomationExecutionStatus`,
      '',
      'Start another demo execution (it prints its id and e-mails its own links; put the id in a call above):',
      `  ${AWS} start-automation-execution --document-name Demo-ApproveChange ${WHERE}`,
      '',
      'Start a runbook with two approval steps in a row (each e-mails its own step-bound links):',
      `  ${AWS} start-automation-execution --document-name Demo-TwoGates ${WHERE}`,
      '',
      'Start a runbook whose approval needs two different people (each is e-mailed a link; the same person twice counts once):',
      `  ${AWS} start-automation-execution --document-name Demo-Quorum ${WHERE}`,
      '',
      'Status changes of the demo executions are printed here. Ctrl-C stops.',
    ]);
  });

  it('prints the API, its OpenAPI document and the token without a demo', () => {
    expect(banner(base)).toBe(
      [
        '',
        'ssm-approval-webhook is running locally.',
        '  API:       http://127.0.0.1:3000',
        '  OpenAPI:   http://127.0.0.1:3000/openapi.json',
        '  SSM:       real SSM',
        '',
        'API client "local-curl" token: sawh_TOKEN',
        'Ctrl-C stops.',
      ].join('\n'),
    );
  });
});

describe('startFailureMessage', () => {
  const inUse = (port: number) =>
    Object.assign(new Error(`listen EADDRINUSE: address already in use 127.0.0.1:${port}`), {
      code: 'EADDRINUSE',
      port,
    });
  const ports = { api: 3000, simulator: 3001 };

  it('names the API port in use and the option that changes it', () => {
    expect(startFailureMessage(inUse(3000), ports)).toBe(
      'port 3000 (the local API) is already in use, perhaps by another npm start. Stop that one, or choose another ' +
        "port with --port N (or PORT=N). Nothing was changed: a running instance's API token and links keep working.",
    );
  });

  it('names the simulator port in use and the option that changes it', () => {
    expect(startFailureMessage(inUse(3001), ports)).toBe(
      'port 3001 (the SSM simulator) is already in use, perhaps by another npm start. Stop that one, or choose ' +
        'another port with --simulator-port N (or SSM_SIMULATOR_PORT=N). Nothing was changed: a running ' +
        "instance's API token and links keep working.",
    );
  });

  it('passes any other error on as its message', () => {
    expect(startFailureMessage(inUse(4000), ports)).toBe(
      'listen EADDRINUSE: address already in use 127.0.0.1:4000',
    );
    expect(startFailureMessage(new Error('Invalid runbook'), ports)).toBe('Invalid runbook');
    expect(startFailureMessage('text', ports)).toBe('text');
    expect(startFailureMessage(undefined, ports)).toBe('undefined');
  });
});

describe('checkPortFree, before anything starts', () => {
  let taken: Server;
  let port: number;
  beforeEach(async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    port = (taken.address() as { port: number }).port;
  });
  afterEach(() => new Promise((resolve) => taken.close(resolve)));

  it('rejects with the EADDRINUSE error of a taken port, which startFailureMessage explains', async () => {
    const error = await checkPortFree(port).then(
      () => undefined,
      (reason: unknown) => reason,
    );

    expect(error).toMatchObject({ code: 'EADDRINUSE', port });
    expect(startFailureMessage(error, { api: port, simulator: 3001 })).toBe(
      `port ${port} (the local API) is already in use, perhaps by another npm start. Stop that one, or choose ` +
        "another port with --port N (or PORT=N). Nothing was changed: a running instance's API token and links keep working.",
    );
  });

  it('passes a free port, leaving it free, and port 0', async () => {
    await new Promise((resolve) => taken.close(resolve));

    await expect(checkPortFree(port)).resolves.toBeUndefined();
    await expect(checkPortFree(port)).resolves.toBeUndefined();
    await expect(checkPortFree(0)).resolves.toBeUndefined();
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
  });
});

describe('--real-ssm checks AWS credentials and region before it starts', () => {
  const SETTINGS =
    'Set AWS_PROFILE (a profile in ~/.aws) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN ' +
    'for temporary credentials), and AWS_REGION, e.g.: AWS_PROFILE=my-profile AWS_REGION=eu-west-1 npm start -- --real-ssm';
  const found = () => Promise.resolve({ accessKeyId: 'AKIA', secretAccessKey: 's' });
  const none = () => Promise.reject(new Error('Could not load credentials from any providers'));
  const never = () => new Promise<never>(() => undefined);

  it('starts with credentials and AWS_REGION', async () => {
    await expect(checkRealSsmAccess({ AWS_REGION: 'eu-west-1' }, found)).resolves.toBeUndefined();
  });

  it.each<[string, NodeJS.ProcessEnv, () => Promise<unknown>, string]>([
    [
      'no credentials',
      { AWS_REGION: 'eu-west-1' },
      none,
      'no credentials (Could not load credentials from any providers)',
    ],
    ['no region', {}, found, 'no AWS_REGION'],
    [
      'neither',
      { AWS_REGION: '' },
      none,
      'no credentials (Could not load credentials from any providers) and no AWS_REGION',
    ],
    [
      'a provider chain that does not answer',
      { AWS_REGION: 'eu-west-1' },
      never,
      'no credentials within 0.05 s',
    ],
  ])('refuses with %s, saying what to set', async (_, env, loadCredentials, missing) => {
    await expect(checkRealSsmAccess(env, loadCredentials, 50)).rejects.toThrow(
      new Error(`--real-ssm needs AWS credentials and a region, and found ${missing}.\n${SETTINGS}`),
    );
  });

  it('waits 5 s at most for the provider chain by default', () => {
    expect(CREDENTIALS_TIMEOUT_MS).toBe(5000);
  });

  describe("with the SDK's default provider chain", () => {
    const saved = { ...process.env };
    let home: string;
    beforeEach(async () => {
      home = await mkdtemp(join(tmpdir(), 'real-ssm-'));
      await writeFile(join(home, 'empty'), '');
      for (const name of Object.keys(process.env)) {
        if (name.startsWith('AWS_')) delete process.env[name];
      }
      Object.assign(process.env, {
        HOME: home,
        AWS_CONFIG_FILE: join(home, 'empty'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'empty'),
        AWS_EC2_METADATA_DISABLED: 'true',
      });
    });
    afterEach(async () => {
      for (const name of Object.keys(process.env)) delete process.env[name];
      Object.assign(process.env, saved);
      await rm(home, { recursive: true, force: true });
    });

    it('finds none in an empty environment', async () => {
      await expect(checkRealSsmAccess()).rejects.toThrow(
        new Error(
          '--real-ssm needs AWS credentials and a region, and found no credentials (Could not load credentials ' +
            `from any providers) and no AWS_REGION.\n${SETTINGS}`,
        ),
      );
    });

    it('finds keys in the environment', async () => {
      Object.assign(process.env, {
        AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_REGION: 'eu-west-1',
      });

      await expect(checkRealSsmAccess()).resolves.toBeUndefined();
    });

    it('finds a profile named by AWS_PROFILE', async () => {
      await writeFile(
        join(home, 'credentials'),
        '[dev]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n',
      );
      Object.assign(process.env, {
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
        AWS_PROFILE: 'dev',
        AWS_REGION: 'eu-west-1',
      });

      await expect(checkRealSsmAccess()).resolves.toBeUndefined();
    });
  });
});
