import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, type PolicyValidationPluginReport, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { ApprovalWebhookStack, type ApprovalWebhookStackProps } from '../../lib/approval-webhook-stack';

export const REPO_ROOT = path.join(__dirname, '..', '..');

/** The one SSM resource the template may grant on, exactly as CloudFormation gets it. */
export const AUTOMATION_EXECUTIONS_ARN = {
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':ssm:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      ':automation-execution/*',
    ],
  ],
};

/** The context of cdk.json (feature flags), so tests synthesize what `cdk synth` synthesizes. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

export interface Synthesized {
  readonly app: App;
  readonly stack: ApprovalWebhookStack;
  readonly template: Template;
  /** What cdk-nag AwsSolutions reports after acknowledgments: errors and warnings alike. */
  readonly nag: PolicyValidationPluginReport;
}

/**
 * Builds the stack the way lib/app.ts does (cdk.json context, cdk-nag registered on the app) and
 * synthesizes it once, bundling the handlers with esbuild for real (unless `bundling: false`, for tests
 * that read the template only).
 */
export function synthesize(
  props: ApprovalWebhookStackProps = {},
  stackId = 'TestWebhook',
  options: { readonly bundling?: boolean } = {},
): Synthesized {
  const app = new App({
    context: { ...cdkJsonContext(), ...(options.bundling === false ? SKIP_BUNDLING_CONTEXT : {}) },
  });
  const stack = new ApprovalWebhookStack(app, stackId, props);
  // Registered as in lib/app.ts: synthesis throws if an unacknowledged error remains.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  const template = Template.fromStack(stack);
  // The documented entry point for tests: it also returns warnings, which do not fail a synth.
  const nag = new AwsSolutionsChecks().validateScope(app);
  return { app, stack, template, nag };
}

export interface Acknowledgment {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

/** Every `Validations.of(x).acknowledge()` in the tree, with the path it was made on. */
export function acknowledgments(root: IConstruct): Acknowledgment[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          // aws-cdk-lib stores ids without a plugin prefix as annotation ids; cdk-nag strips the prefix.
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

type Resources = Record<
  string,
  { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown }
>;

export function resources(template: Template): Resources {
  return template.toJSON().Resources as Resources;
}

/** Context that skips esbuild bundling, for tests that read the template only (much faster). */
export const SKIP_BUNDLING_CONTEXT: Readonly<Record<string, unknown>> = { 'aws:cdk:bundling-stacks': [] };

/**
 * The string a CloudFormation value becomes at deploy time: a plain string, a reference (`Ref`, `Fn::GetAtt`)
 * that `deployed` turns into its deploy-time value, or an `Fn::Join` with an empty separator of both.
 */
export function deployedString(value: unknown, deployed: (reference: unknown) => string): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join === undefined) return deployed(value);
  if (join[0] !== '') throw new Error(`not an Fn::Join with an empty separator: ${JSON.stringify(value)}`);
  return join[1].map((part) => (typeof part === 'string' ? part : deployed(part))).join('');
}
