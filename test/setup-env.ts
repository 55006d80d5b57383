// Handlers log JSON lines with Powertools; tests assert what is logged through spies, so keep the output quiet.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Powertools Metrics writes its EMF lines to stdout; off unless a test turns it on (test/metrics/).
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
