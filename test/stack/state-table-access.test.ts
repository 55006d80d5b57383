import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { grantStateItems } from '../../lib/state-table-access';

/** A stack with one table and one role, and the role's default-policy statements after `grant`. */
function statementsAfter(grant: (role: iam.Role, table: dynamodb.Table) => void): unknown[] {
  const stack = new Stack(new App(), 'S');
  const table = new dynamodb.Table(stack, 'Table', {
    partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
  });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  grant(role, table);
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
  return policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement as unknown[]);
}

describe('grantStateItems', () => {
  it('grants the actions on the table, held to the key prefixes by ForAllValues:StringLike on dynamodb:LeadingKeys', () => {
    const statements = statementsAfter((role, table) =>
      grantStateItems(role, table, { actions: ['dynamodb:GetItem'], keyPrefixes: ['a#', 'b#'] }),
    );
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Table/), 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['a#*', 'b#*'] } },
      },
    ]);
  });

  it('refuses any other action, such as a Scan, which carries no partition key and so passes the condition', () => {
    expect(() =>
      statementsAfter((role, table) =>
        grantStateItems(role, table, {
          actions: ['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:BatchGetItem'],
          keyPrefixes: ['a#'],
        }),
      ),
    ).toThrow(
      new Error(
        'grantStateItems grants single-item actions only (dynamodb:GetItem, dynamodb:PutItem, dynamodb:UpdateItem, ' +
          'dynamodb:DeleteItem), got dynamodb:Scan, dynamodb:BatchGetItem',
      ),
    );
  });
});
