/**
 * The SSM client's configuration, read once: up to 3 attempts of at most 2.5 s each (1 s to connect).
 * Each call also gets an abort signal from the request's budget (lambda/decision/budget.ts), so the
 * function answers before its 10 s timeout, which is itself well inside API Gateway's 30 s. The endpoint comes from the standard
 * AWS_ENDPOINT_URL_SSM variable when it is set (the local simulator), from the region otherwise.
 */
import { SSMClient, type SSMClientConfig } from '@aws-sdk/client-ssm';

export const SSM_CLIENT_CONFIG: Readonly<SSMClientConfig> = {
  maxAttempts: 3,
  retryMode: 'standard',
  // Without throwOnRequestTimeout the request timeout only logs a warning and a hung call runs on.
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_500, throwOnRequestTimeout: true },
};

export const createSsmClient = (overrides: SSMClientConfig = {}): SSMClient =>
  new SSMClient({ ...SSM_CLIENT_CONFIG, ...overrides });
