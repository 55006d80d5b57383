import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import {
  APPROVER_SEAT_ROLE_ARNS_ENV,
  APPROVER_SEATS_DEFAULTS,
  ApproverSeats,
  ApproverSeatsPropsError,
  validateApproverSeats,
} from '../../lib/approver-seats';
import { AUTOMATION_EXECUTIONS_ARN, resources, type Synthesized, synthesize } from './synth';

function logicalIdIn(synthesized: Synthesized): (construct: IConstruct) => string {
  return (construct) => synthesized.stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

/** A function's environment variables in the template. */
function variablesOf(synthesized: Synthesized, logicalId: string): Record<string, unknown> {
  const environment = resources(synthesized.template)[logicalId]?.Properties?.Environment as
    | { Variables: Record<string, unknown> }
    | undefined;
  if (environment === undefined) throw new Error(`no environment on ${logicalId}`);
  return environment.Variables;
}

/** The functions that learn the seats (all but stop), by their construct. */
function seatKnowers(synthesized: Synthesized): IConstruct[] {
  const { webhook } = synthesized.stack;
  return [
    webhook.signalFunction,
    webhook.confirmFunction,
    webhook.slackFunction,
    webhook.notifier.function,
  ].map((fn) => fn.function);
}

describe('approver seats: defaults and limits', () => {
  it('default to 3 seats, from 1 to 10 (SSM allows 10 Approvers per step)', () => {
    expect(APPROVER_SEATS_DEFAULTS).toEqual({ seats: 3, min: 1, max: 10 });
    expect(APPROVER_SEAT_ROLE_ARNS_ENV).toBe('APPROVER_SEAT_ROLE_ARNS');
    expect(validateApproverSeats(1)).toBe(1);
    expect(validateApproverSeats(10)).toBe(10);
  });

  it.each([0, 11, 2.5, -3, Number.NaN])('refuses %p seats with a clear error', (seats) => {
    const validate = () => validateApproverSeats(seats);
    expect(validate).toThrow(ApproverSeatsPropsError);
    expect(validate).toThrow(
      `approverSeats must be a whole number from 1 to 10 (an aws:approve step lists at most 10 Approvers), got ${seats}`,
    );
  });

  it('refuses a bad count in the stack before anything is built', () => {
    expect(() => synthesize({ webhook: { approverSeats: 11 } }, 'TestWebhook', { bundling: false })).toThrow(
      new ApproverSeatsPropsError(
        'approverSeats must be a whole number from 1 to 10 (an aws:approve step lists at most 10 Approvers), got 11',
      ),
    );
  });

  it('names the error class', () => {
    expect(new ApproverSeatsPropsError('x').name).toBe('ApproverSeatsPropsError');
  });
});

describe('one seat: the signal role alone', () => {
  let synthesized: Synthesized;
  let logicalId: (construct: IConstruct) => string;
  beforeAll(() => {
    synthesized = synthesize({ webhook: { approverSeats: 1 } }, 'TestWebhook', { bundling: false });
    logicalId = logicalIdIn(synthesized);
  });

  it('creates no seat role and grants no sts action', () => {
    const { webhook } = synthesized.stack;
    expect(webhook.approverSeats.count).toBe(1);
    expect(webhook.approverSeats.seatRoles).toEqual([]);
    expect(Object.keys(synthesized.template.findResources('AWS::IAM::Role'))).toHaveLength(4);
    // Only the functions' trust policies (lambda.amazonaws.com) name an sts action.
    expect(JSON.stringify(synthesized.template.findResources('AWS::IAM::Policy'))).not.toMatch(/"sts:/);
  });

  it('outputs and passes the signal role as the one seat', () => {
    const signalArn = { 'Fn::GetAtt': [logicalId(synthesized.stack.webhook.signalRole), 'Arn'] };
    const outputs = synthesized.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    // Fn::Join of one element is that element.
    expect(outputs.ApproverSeatRoleArns?.Value).toEqual(signalArn);
    for (const fn of seatKnowers(synthesized)) {
      expect(variablesOf(synthesized, logicalId(fn))[APPROVER_SEAT_ROLE_ARNS_ENV]).toEqual({
        'Fn::Join': ['', ['["', signalArn, '"]']],
      });
    }
  });
});

describe('ten seats', () => {
  let synthesized: Synthesized;
  let logicalId: (construct: IConstruct) => string;
  beforeAll(() => {
    synthesized = synthesize({ webhook: { approverSeats: 10 } }, 'TestWebhook', { bundling: false });
    logicalId = logicalIdIn(synthesized);
  });

  it('creates ApproverSeat2 … ApproverSeat10, each trusting only the signal role and holding only SendAutomationSignal', () => {
    const { webhook } = synthesized.stack;
    expect(webhook.approverSeats.seatRoles.map((role) => role.node.id)).toEqual(
      [2, 3, 4, 5, 6, 7, 8, 9, 10].map((seat) => `ApproverSeat${seat}`),
    );
    const signalArn = { 'Fn::GetAtt': [logicalId(webhook.signalRole), 'Arn'] };
    for (const [index, seat] of webhook.approverSeats.seatRoles.entries()) {
      expect(resources(synthesized.template)[logicalId(seat)]).toEqual({
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: signalArn } }],
          },
          Description: `ssm-approval-webhook: approver seat ${index + 2}, assumed by the signal role only to send one more person's approval`,
        },
      });
      const policies = Object.values(synthesized.template.findResources('AWS::IAM::Policy')).filter(
        (policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: logicalId(seat) }]),
      );
      expect(policies.map((policy) => policy.Properties.PolicyDocument)).toEqual([
        {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'ssm:SendAutomationSignal', Resource: AUTOMATION_EXECUTIONS_ARN },
          ],
        },
      ]);
    }
  });

  it('lets the signal role assume exactly the nine seats', () => {
    const { webhook } = synthesized.stack;
    const statements = Object.values(synthesized.template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) =>
        (policy.Properties.PolicyDocument.Statement as { Action: unknown }[])
          .filter((statement) => JSON.stringify(statement.Action).includes('sts:'))
          .map((statement) => ({ roles: policy.Properties.Roles, statement })),
    );
    expect(statements).toEqual([
      {
        roles: [{ Ref: logicalId(webhook.signalRole) }],
        statement: {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          // In the order IAM policy minimization sorts them.
          Resource: webhook.approverSeats.seatRoles
            .map((seat) => ({ 'Fn::GetAtt': [logicalId(seat), 'Arn'] }))
            .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
        },
      },
    ]);
  });

  it('gives the seats no access to the secret: its policy exempts the four function roles and the deployment only', () => {
    const { webhook } = synthesized.stack;
    const policy = Object.values(
      synthesized.template.findResources('AWS::SecretsManager::ResourcePolicy'),
    )[0];
    const exempt = JSON.stringify(policy?.Properties.ResourcePolicy);
    for (const seat of webhook.approverSeats.seatRoles) expect(exempt).not.toContain(logicalId(seat));
    expect(
      policy?.Properties.ResourcePolicy.Statement[0].Condition.ArnNotEquals['aws:PrincipalArn'],
    ).toHaveLength(5);
  });

  it('passes all ten ARNs, seat 1 first, in the output and to the functions that act on or show a gate', () => {
    const { webhook } = synthesized.stack;
    const arns = [webhook.signalRole, ...webhook.approverSeats.seatRoles].map((role) => ({
      'Fn::GetAtt': [logicalId(role), 'Arn'],
    }));
    const outputs = synthesized.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.ApproverSeatRoleArns?.Value).toEqual({ 'Fn::Join': [',', arns] });
    const json = {
      'Fn::Join': ['', ['["', ...arns.flatMap((arn, index) => (index === 0 ? [arn] : ['","', arn])), '"]']],
    };
    for (const fn of seatKnowers(synthesized)) {
      expect(variablesOf(synthesized, logicalId(fn))[APPROVER_SEAT_ROLE_ARNS_ENV]).toEqual(json);
    }
    expect(
      variablesOf(synthesized, logicalId(webhook.stopFunction.function))[APPROVER_SEAT_ROLE_ARNS_ENV],
    ).toBeUndefined();
  });

  it('leaves nothing for cdk-nag to report', () => {
    expect(synthesized.nag.violations).toEqual([]);
  });
});

describe('ApproverSeats on its own', () => {
  it('gives ARNs that resolve to a JSON array of role ARNs, seat 1 first', () => {
    const stack = new Stack(new App(), 'S');
    const signalRole = new iam.Role(stack, 'Signal', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    const seats = new ApproverSeats(stack, 'Seats', { signalRole, seats: 2 });
    expect(seats.roleArns).toHaveLength(2);
    expect(seats.roleArns[0]).toBe(signalRole.roleArn);
    const resolved = stack.resolve(seats.environment[APPROVER_SEAT_ROLE_ARNS_ENV]);
    expect(resolved).toEqual({
      'Fn::Join': [
        '',
        [
          '["',
          { 'Fn::GetAtt': [stack.getLogicalId(signalRole.node.defaultChild as CfnElement), 'Arn'] },
          '","',
          { 'Fn::GetAtt': [stack.getLogicalId(seats.seatRoles[0]?.node.defaultChild as CfnElement), 'Arn'] },
          '"]',
        ],
      ],
    });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Role', 2);
  });
});
