/**
 * Runbooks: SSM Automation documents (schemaVersion 0.3, YAML or JSON), as the simulator holds them
 * once loaded and checked (see runbook-loader.ts and runbook-document.ts).
 */
export type ParameterType = 'String' | 'StringList' | 'Integer' | 'Boolean' | 'StringMap' | 'MapList';

export interface ParameterDefinition {
  readonly type: ParameterType;
  readonly description?: string;
  /** Present when the parameter is optional. */
  readonly default?: unknown;
  readonly allowedValues?: readonly string[];
  readonly allowedPattern?: string;
}

export type OnFailure =
  | { readonly kind: 'Abort' }
  | { readonly kind: 'Continue' }
  | { readonly kind: 'Step'; readonly step: string };

export interface StepDefinition {
  readonly name: string;
  readonly action: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly onFailure: OnFailure;
  /** The properties exactly as written (undefined when the runbook leaves them out). */
  readonly declared: {
    readonly onFailure?: string;
    readonly isEnd?: boolean;
    readonly nextStep?: string;
    readonly isCritical?: boolean;
    readonly maxAttempts?: number;
    readonly timeoutSeconds?: number;
  };
}

export interface Runbook {
  readonly name: string;
  /** Documents loaded from files have exactly one version. */
  readonly documentVersion: '1';
  readonly file: string;
  readonly description?: string;
  readonly assumeRole?: string;
  readonly parameters: Readonly<Record<string, ParameterDefinition>>;
  readonly mainSteps: readonly StepDefinition[];
  /** `StepName.OutputName` references, in document order. */
  readonly outputs: readonly string[];
}

/** A runbook file that cannot be loaded; the message names the file. */
export class RunbookError extends Error {
  readonly file: string;

  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(`Invalid runbook ${file}: ${problem}`, options);
    this.name = 'RunbookError';
    this.file = file;
  }
}

/** Actions the simulator completes at once with Success (it does not call other services). */
export const INSTANT_ACTIONS: ReadonlySet<string> = new Set([
  'aws:assertAwsResourceProperty',
  'aws:changeInstanceState',
  'aws:copyImage',
  'aws:createImage',
  'aws:createStack',
  'aws:createTags',
  'aws:deleteImage',
  'aws:deleteStack',
  'aws:executeAutomation',
  'aws:executeAwsApi',
  'aws:executeScript',
  'aws:executeStateMachine',
  'aws:invokeLambdaFunction',
  'aws:runCommand',
  'aws:runInstances',
  'aws:sleep',
  'aws:waitForAwsResourceProperty',
]);
/** Actions that wait for a signal. */
export const WAITING_ACTIONS: ReadonlySet<string> = new Set(['aws:approve', 'aws:pause']);

/** System variables the simulator resolves (a subset of SSM's). */
export const SYSTEM_VARIABLES: ReadonlySet<string> = new Set([
  'automation:EXECUTION_ID',
  'global:ACCOUNT_ID',
  'global:AWS_PARTITION',
  'global:DATE',
  'global:DATE_TIME',
  'global:REGION',
]);
