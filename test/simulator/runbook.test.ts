import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_NOTIFICATION_TOPIC_ARN } from '../../local/simulator';
import { interpolate, UnresolvedReferenceError } from '../../local/simulator/interpolate';
import { RunbookError } from '../../local/simulator/runbook';
import { loadRunbookFile, loadRunbooks } from '../../local/simulator/runbook-loader';
import { LOCAL_RUNBOOKS } from './helpers';

describe('shipped runbooks', () => {
  it('load as Demo-ApproveChange, Demo-PauseAndResume, Demo-Quorum and Demo-TwoGates', () => {
    const runbooks = loadRunbooks(LOCAL_RUNBOOKS);

    expect([...runbooks.keys()]).toStrictEqual([
      'Demo-ApproveChange',
      'Demo-PauseAndResume',
      'Demo-Quorum',
      'Demo-TwoGates',
    ]);
    const demo = runbooks.get('Demo-ApproveChange');
    expect(demo?.parameters.Approver).toStrictEqual({
      type: 'String',
      description: 'IAM role, IAM user or assumed-role ARN allowed to approve or reject the change.',
      default: 'arn:aws:iam::123456789012:role/ssm-approval-webhook-signal',
    });
    expect(demo?.mainSteps.map((s) => [s.name, s.action, s.onFailure])).toStrictEqual([
      ['PrepareChange', 'aws:executeScript', { kind: 'Abort' }],
      ['ApproveChange', 'aws:approve', { kind: 'Abort' }],
      ['ApplyChange', 'aws:executeScript', { kind: 'Abort' }],
      ['ReportResult', 'aws:sleep', { kind: 'Abort' }],
    ]);
    expect(demo?.mainSteps[1]?.inputs.Approvers).toStrictEqual(['{{ Approver }}']);
    expect(demo?.mainSteps[1]?.inputs.NotificationArn).toBe('{{ NotificationArn }}');
    expect(demo?.parameters.NotificationArn?.default).toBe(LOCAL_NOTIFICATION_TOPIC_ARN);
    expect(demo?.outputs).toStrictEqual(['ApproveChange.ApprovalStatus']);
  });

  it('Demo-TwoGates: two approvals in a row, each notifying the local topic', () => {
    const twoGates = loadRunbooks(LOCAL_RUNBOOKS).get('Demo-TwoGates');

    expect(
      twoGates?.mainSteps.map((s) => [s.name, s.action, s.declared.timeoutSeconds, s.inputs.NotificationArn]),
    ).toStrictEqual([
      ['PrepareRelease', 'aws:executeScript', undefined, undefined],
      ['ApproveStaging', 'aws:approve', 3600, '{{ NotificationArn }}'],
      ['DeployStaging', 'aws:executeScript', undefined, undefined],
      ['ApproveProduction', 'aws:approve', 7200, '{{ NotificationArn }}'],
      ['DeployProduction', 'aws:executeScript', undefined, undefined],
    ]);
    expect(
      Object.fromEntries(Object.entries(twoGates?.parameters ?? {}).map(([name, p]) => [name, p.default])),
    ).toStrictEqual({
      Approver: 'arn:aws:iam::123456789012:role/ssm-approval-webhook-signal',
      NotificationArn: LOCAL_NOTIFICATION_TOPIC_ARN,
      Version: '1.0.0',
      ChangeTicket: 'CHG-0000',
    });
    expect(twoGates?.outputs).toStrictEqual([
      'ApproveStaging.ApprovalStatus',
      'ApproveProduction.ApprovalStatus',
    ]);
  });
});

describe('invalid runbooks fail loudly at load time, naming the file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'runbooks-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const STEP = '  - name: First\n    action: aws:sleep\n    inputs: { Duration: PT1S }\n';
  const load = (name: string, text: string): RunbookError => {
    const file = join(dir, name);
    writeFileSync(file, text);
    try {
      loadRunbooks(dir);
    } catch (error) {
      expect(error).toBeInstanceOf(RunbookError);
      expect((error as RunbookError).file).toBe(file);
      return error as RunbookError;
    }
    throw new Error('expected loading to fail');
  };

  it.each([
    [
      'schemaVersion',
      `schemaVersion: '2.2'\nmainSteps:\n${STEP}`,
      "schemaVersion must be '0.3' (Automation)",
    ],
    ['no steps', "schemaVersion: '0.3'\nmainSteps: []\n", 'mainSteps must be a non-empty list'],
    [
      'unknown top-level key',
      `schemaVersion: '0.3'\nfiles: {}\nmainSteps:\n${STEP}`,
      "unknown top-level property 'files'",
    ],
    [
      'unsupported action',
      "schemaVersion: '0.3'\nmainSteps:\n  - name: Choose\n    action: aws:branch\n    inputs: {}\n",
      "step 'Choose': action aws:branch is not supported by the simulator",
    ],
    [
      'unknown step property',
      `schemaVersion: '0.3'\nmainSteps:\n${STEP}    onCancel: Abort\n`,
      "step 'First': unknown property 'onCancel'",
    ],
    ['duplicate step', `schemaVersion: '0.3'\nmainSteps:\n${STEP}${STEP}`, "step name 'First' is used twice"],
    [
      'nextStep',
      `schemaVersion: '0.3'\nmainSteps:\n${STEP}    nextStep: Nope\n`,
      "step 'First': nextStep 'Nope' is not a step",
    ],
    [
      'onFailure value',
      `schemaVersion: '0.3'\nmainSteps:\n${STEP}    onFailure: Retry\n`,
      "step 'First': onFailure must be Abort, Continue or step:<name>, not 'Retry'",
    ],
    [
      'onFailure target',
      `schemaVersion: '0.3'\nmainSteps:\n${STEP}    onFailure: step:Nope\n`,
      "step 'First': onFailure goes to 'Nope', which is not a step",
    ],
    [
      'unknown reference',
      "schemaVersion: '0.3'\nmainSteps:\n  - name: First\n    action: aws:sleep\n    inputs: { Duration: '{{ Nope }}' }\n",
      "step 'First' refers to '{{ Nope }}', which is not a parameter, a step output or a supported system variable",
    ],
    [
      'step reference without an output',
      "schemaVersion: '0.3'\nmainSteps:\n  - name: First\n    action: aws:sleep\n    inputs: { Duration: '{{ First }}' }\n",
      "step 'First' refers to '{{ First }}', which is not a parameter, a step output or a supported system variable",
    ],
    [
      'approve without Approvers',
      "schemaVersion: '0.3'\nmainSteps:\n  - name: Ok\n    action: aws:approve\n    inputs: { Message: hi }\n",
      "step 'Ok': aws:approve needs Approvers, a list of principals",
    ],
    [
      'approve input',
      "schemaVersion: '0.3'\nmainSteps:\n  - name: Ok\n    action: aws:approve\n    inputs: { Approvers: [a], Approver: b }\n",
      "step 'Ok': aws:approve has no input 'Approver'",
    ],
    [
      'parameter type',
      `schemaVersion: '0.3'\nparameters:\n  P: { type: Number }\nmainSteps:\n${STEP}`,
      'parameter \'P\' has type "Number"; supported: String, StringList, Integer, Boolean, StringMap, MapList',
    ],
    [
      'default type',
      `schemaVersion: '0.3'\nparameters:\n  P: { type: Integer, default: 'x' }\nmainSteps:\n${STEP}`,
      "Parameter 'P' has a default that is not a Integer.",
    ],
    [
      'default outside allowedValues',
      "schemaVersion: '0.3'\nparameters:\n  P: { type: String, default: c, allowedValues: [a, b] }\nmainSteps:\n" +
        STEP,
      "Parameter 'P' value 'c' is not one of the allowed values: a, b.",
    ],
    [
      'output',
      `schemaVersion: '0.3'\nmainSteps:\n${STEP}outputs: [Nope.Out]\n`,
      "output 'Nope.Out' must be StepName.OutputName of a step",
    ],
  ])('%s', (_, text, problem) => {
    const error = load('Test-Doc.yaml', text);

    expect(error.message).toBe(`Invalid runbook ${join(dir, 'Test-Doc.yaml')}: ${problem}`);
  });

  it('refuses unparseable YAML and JSON', () => {
    expect(load('Bad-Yaml.yaml', 'mainSteps: [unclosed\n').message).toMatch(
      new RegExp(`^Invalid runbook ${join(dir, 'Bad-Yaml.yaml')}: cannot be read or parsed \\(`),
    );
    rmSync(join(dir, 'Bad-Yaml.yaml'));
    expect(load('Bad-Json.json', '{"schemaVersion": ').message).toMatch(/cannot be read or parsed \(/);
  });

  it('refuses names reserved by AWS and names defined twice', () => {
    expect(load('AWS-Thing.yaml', `schemaVersion: '0.3'\nmainSteps:\n${STEP}`).message).toBe(
      `Invalid runbook ${join(dir, 'AWS-Thing.yaml')}: document name 'AWS-Thing' uses a prefix reserved by AWS (aws, amazon, amzn)`,
    );
    rmSync(join(dir, 'AWS-Thing.yaml'));
    writeFileSync(
      join(dir, 'Twice.json'),
      JSON.stringify({ schemaVersion: '0.3', mainSteps: [{ name: 'A', action: 'aws:sleep', inputs: {} }] }),
    );
    expect(load('Twice.yaml', `schemaVersion: '0.3'\nmainSteps:\n${STEP}`).message).toBe(
      `Invalid runbook ${join(dir, 'Twice.yaml')}: document name 'Twice' is also defined by ${join(dir, 'Twice.json')}`,
    );
  });

  it('ignores files of other types in the directory but refuses them when loaded directly', () => {
    writeFileSync(join(dir, 'README.md'), '# not a runbook');
    expect(loadRunbooks(dir).size).toBe(0);
    expect(() => loadRunbookFile(join(dir, 'README.md'))).toThrow(
      new RunbookError(join(dir, 'README.md'), "unsupported extension '.md' (use .yaml, .yml or .json)"),
    );
  });
});

describe('interpolate', () => {
  const values: Record<string, unknown> = { One: 'a', List: ['x', 'y'], Count: 2, Map: { k: 'v' } };
  const lookup = (ref: string) => values[ref] as never;

  it('keeps the type of a value that is one whole reference', () => {
    expect(interpolate({ a: '{{ Count }}', b: '{{List}}', c: '{{ Map }}' }, lookup)).toStrictEqual({
      a: 2,
      b: ['x', 'y'],
      c: { k: 'v' },
    });
  });

  it('spreads a list reference inside a list, and writes references inside text', () => {
    expect(interpolate(['{{ List }}', '{{ One }}', 'z'], lookup)).toStrictEqual(['x', 'y', 'a', 'z']);
    expect(interpolate('n={{ Count }} l={{ List }} o={{ One }}', lookup)).toBe('n=2 l=["x","y"] o=a');
  });

  it('throws UnresolvedReferenceError for a reference without a value', () => {
    expect(() => interpolate({ a: ['{{ Missing }}'] }, lookup)).toThrow(
      new UnresolvedReferenceError('Missing'),
    );
    expect(new UnresolvedReferenceError('Missing').message).toBe(
      "Unable to resolve '{{ Missing }}': it has no value.",
    );
  });
});
