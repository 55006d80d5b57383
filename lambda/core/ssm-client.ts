/**
 * The SSM client's configuration, read once. The budget: up to 3 attempts of at most 2.5 s each
 * (1 s to connect) plus the SDK's jittered backoff stays well inside the functions' 10 s timeout,
 * which is itself well inside API Gateway's 30 s. The endpoint comes from the standard
 * AWS_ENDPOINT_URL_SSM variable when it is set (the local simulator), from the region otherwise.
 */
import { SSMClient, type SSMClientConfig } from '@aws-sdk/client-ssm';

export const SSM_CLIENT_CONFIG: Readonly<SSMClientConfig> = {
  maxAttempts: 3,
  retryMode: 'standard',
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_500 },
};

export const createSsmClient = (overrides: SSMClientConfig = {}): SSMClient =>
  new SSMClient({ ...SSM_CLIENT_CONFIG, ...overrides });
