/**
 * One Secrets Manager secret in memory, behind aws-sdk-client-mock: its versions, their staging labels and
 * the documented rules of the three operations the tools use.
 *  - GetSecretValue: the AWSCURRENT version (or the VersionId / VersionStage asked for).
 *  - PutSecretValue: a new version with VersionId = ClientRequestToken (the same token and value again is
 *    a no-op); its labels are VersionStages, or AWSCURRENT when none are given; a label moves from the
 *    version that had it; moving AWSCURRENT moves AWSPREVIOUS to the version it left.
 *  - UpdateSecretVersionStage: moves a label to MoveToVersionId; when another version has it, that version
 *    must be RemoveFromVersionId or the call fails (InvalidParameterException); AWSPREVIOUS as above.
 * Assumption: the error messages are this fake's own; the tools depend on no message.
 */
import {
  GetSecretValueCommand,
  type GetSecretValueCommandInput,
  PutSecretValueCommand,
  type PutSecretValueCommandInput,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
  type UpdateSecretVersionStageCommandInput,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';

export type Operation = 'GetSecretValue' | 'PutSecretValue' | 'UpdateSecretVersionStage';

interface Version {
  readonly id: string;
  readonly value: string;
  readonly stages: Set<string>;
}

const awsError = (name: string, message: string): Error => Object.assign(new Error(message), { name });

export class FakeSecret {
  /** In creation order. */
  readonly versions: Version[] = [];
  /** Every call, in order: the operation and its input. */
  readonly calls: { operation: Operation; input: unknown }[] = [];
  private readonly hooks: { operation: Operation; run: () => Promise<void> }[] = [];
  private readonly lostAnswers: { operation: Operation; error: Error }[] = [];

  constructor(
    client: SecretsManagerClient,
    readonly secretId: string,
    initialValue: string,
    initialVersionId = 'initial-version',
  ) {
    this.versions.push({ id: initialVersionId, value: initialValue, stages: new Set(['AWSCURRENT']) });
    const mock = mockClient(client);
    mock.on(GetSecretValueCommand).callsFake((input) => this.handle('GetSecretValue', input));
    mock.on(PutSecretValueCommand).callsFake((input) => this.handle('PutSecretValue', input));
    mock
      .on(UpdateSecretVersionStageCommand)
      .callsFake((input) => this.handle('UpdateSecretVersionStage', input));
  }

  /** Runs `run` (awaited) at the start of the next call of `operation`, before it takes effect. Once. */
  beforeNext(operation: Operation, run: () => Promise<void>): void {
    this.hooks.push({ operation, run });
  }

  /** The next call of `operation` takes effect, but its caller gets `error` instead of the answer. Once. */
  loseNextAnswer(operation: Operation, error: Error): void {
    this.lostAnswers.push({ operation, error });
  }

  /** The AWSCURRENT value, parsed. */
  currentDocument(): unknown {
    return JSON.parse(this.withStage('AWSCURRENT')?.value ?? 'null');
  }

  /** Each version in creation order: its labels (sorted) and its document. */
  history(): { stages: string[]; document: unknown }[] {
    return this.versions.map((version) => ({
      stages: [...version.stages].sort(),
      document: JSON.parse(version.value),
    }));
  }

  /** The operations called, in order. */
  operations(): Operation[] {
    return this.calls.map((call) => call.operation);
  }

  private withStage(stage: string): Version | undefined {
    return this.versions.find((version) => version.stages.has(stage));
  }

  private async handle(operation: Operation, input: unknown): Promise<unknown> {
    const hook = this.hooks.findIndex((candidate) => candidate.operation === operation);
    if (hook >= 0) {
      const [next] = this.hooks.splice(hook, 1);
      await next?.run();
    }
    this.calls.push({ operation, input });
    const answer = this.apply(operation, input);
    const lost = this.lostAnswers.findIndex((candidate) => candidate.operation === operation);
    if (lost >= 0) {
      throw (this.lostAnswers.splice(lost, 1)[0] as { error: Error }).error;
    }
    return answer;
  }

  private apply(operation: Operation, input: unknown): unknown {
    switch (operation) {
      case 'GetSecretValue':
        return this.get(input as GetSecretValueCommandInput);
      case 'PutSecretValue':
        return this.put(input as PutSecretValueCommandInput);
      case 'UpdateSecretVersionStage':
        return this.updateStage(input as UpdateSecretVersionStageCommandInput);
    }
  }

  private checkId(secretId: string | undefined): void {
    if (secretId !== this.secretId) {
      throw awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    }
  }

  private get(input: GetSecretValueCommandInput) {
    this.checkId(input.SecretId);
    const version = input.VersionId
      ? this.versions.find((candidate) => candidate.id === input.VersionId)
      : this.withStage(input.VersionStage ?? 'AWSCURRENT');
    if (version === undefined) {
      throw awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value.");
    }
    return {
      ARN: this.secretId,
      VersionId: version.id,
      SecretString: version.value,
      VersionStages: [...version.stages],
    };
  }

  private put(input: PutSecretValueCommandInput) {
    this.checkId(input.SecretId);
    const id = input.ClientRequestToken;
    const value = input.SecretString;
    if (id === undefined || value === undefined) {
      throw awsError('InvalidParameterException', 'This fake needs a ClientRequestToken and a SecretString');
    }
    const existing = this.versions.find((version) => version.id === id);
    if (existing !== undefined) {
      if (existing.value !== value) {
        throw awsError('ResourceExistsException', 'A version with this ClientRequestToken already exists.');
      }
      return { ARN: this.secretId, VersionId: id, VersionStages: [...existing.stages] };
    }
    const version: Version = { id, value, stages: new Set() };
    this.versions.push(version);
    for (const stage of input.VersionStages ?? ['AWSCURRENT']) this.move(stage, version);
    return { ARN: this.secretId, VersionId: id, VersionStages: [...version.stages] };
  }

  private updateStage(input: UpdateSecretVersionStageCommandInput) {
    this.checkId(input.SecretId);
    const stage = input.VersionStage as string;
    const target = this.versions.find((version) => version.id === input.MoveToVersionId);
    if (target === undefined) {
      throw awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret version.");
    }
    const holder = this.withStage(stage);
    if (holder !== undefined && holder !== target && holder.id !== input.RemoveFromVersionId) {
      throw awsError(
        'InvalidParameterException',
        `The staging label ${stage} is attached to version ${holder.id}, not ${input.RemoveFromVersionId}.`,
      );
    }
    this.move(stage, target);
    return { ARN: this.secretId };
  }

  private move(stage: string, target: Version): void {
    const holder = this.withStage(stage);
    if (holder === target) return;
    holder?.stages.delete(stage);
    target.stages.add(stage);
    if (stage === 'AWSCURRENT' && holder !== undefined) {
      this.withStage('AWSPREVIOUS')?.stages.delete('AWSPREVIOUS');
      holder.stages.add('AWSPREVIOUS');
    }
  }
}
