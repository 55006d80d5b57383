/**
 * Benchmarks: `npm run bench` (or `npx tsx bench/run.ts`) [--quick] [--json PATH] [--only pure,handler,http]
 *
 * Sections run one after another, each in a child process of its own started with `--expose-gc` (see
 * section-child.ts), so memory figures come after a forced GC whichever way this script was started.
 * Prints a table to stdout and, as stdout's last line, the results as one line of JSON, or writes them
 * (indented) to PATH with `--json`. Progress goes to stderr. Exits 1 when a section failed (including an
 * execution that did not reach Success), 2 on a usage error.
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs as parseCommandLine } from 'node:util';
import { type BenchDocument, environment, formatEnvironment, formatTable } from './report';
import { isSectionName, SECTION_NAMES, type SectionName, type SectionReport } from './results';
import type { ChildMessage } from './section-child';

export interface CliOptions {
  readonly quick: boolean;
  readonly jsonPath?: string;
  readonly sections: readonly SectionName[];
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const ARG_SPEC = {
  options: {
    quick: { type: 'boolean' },
    json: { type: 'string' },
    only: { type: 'string' },
  },
  strict: true,
  allowPositionals: false,
} as const;

const USAGE = 'usage: tsx bench/run.ts [--quick] [--json PATH] [--only pure,handler,http]';

/** Parses the command line; unknown flags, stray arguments and unknown sections are usage errors. */
export const parseArgs = (args: readonly string[]): CliOptions => {
  let parsed: ReturnType<typeof parseCommandLine<typeof ARG_SPEC>>;
  try {
    parsed = parseCommandLine({ args: [...args], ...ARG_SPEC });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { quick = false, json, only } = parsed.values;
  let sections: readonly SectionName[] = SECTION_NAMES;
  if (only !== undefined) {
    const names = only.split(',');
    const unknown = names.filter((name) => !isSectionName(name));
    if (unknown.length > 0) throw new UsageError(`unknown section(s): ${unknown.join(', ')}`);
    sections = SECTION_NAMES.filter((name) => names.includes(name));
  }
  if (json === '') throw new UsageError('--json needs a path');
  return { quick, sections, ...(json === undefined ? {} : { jsonPath: json }) };
};

/** Hard limits on a section's child process; the loops inside end well before them. */
const sectionTimeoutMs = (quick: boolean): number => (quick ? 30_000 : 120_000);

const runSection = (section: SectionName, options: CliOptions): Promise<SectionReport> =>
  new Promise((resolve) => {
    const begin = performance.now();
    let message: ChildMessage | undefined;
    // execArgv carries tsx's loader (or whatever ran this script) into the child.
    const child = fork(
      path.join(__dirname, 'section-child.ts'),
      [section, ...(options.quick ? ['--quick'] : [])],
      {
        execArgv: [...process.execArgv, '--expose-gc'],
        // The child's stdout carries the handlers' metric lines (EMF, one per decision, as in Lambda: they
        // are part of what is measured); its result comes over IPC, so only stderr is passed on.
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      },
    );
    const timer = setTimeout(() => {
      process.stderr.write(
        `[bench] ${section}: no result after ${sectionTimeoutMs(options.quick)} ms, stopping it\n`,
      );
      child.kill('SIGKILL');
    }, sectionTimeoutMs(options.quick));
    child.on('message', (received: ChildMessage) => {
      message = received;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const durationMs = performance.now() - begin;
      if (message?.kind === 'outcome' && code === 0) {
        resolve({ section, durationMs, ...message.outcome });
        return;
      }
      const why =
        message?.kind === 'error'
          ? message.error
          : `child exited with ${signal ?? `code ${code}`} and no result`;
      resolve({ section, durationMs, results: [], failures: [why] });
    });
  });

const main = async (): Promise<number> => {
  let options: CliOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }
  const env = environment();
  const startedAt = new Date().toISOString();
  process.stderr.write(`[bench] ${formatEnvironment(env)}; ${options.quick ? 'quick' : 'full'} run\n`);
  const sections: SectionReport[] = [];
  for (const section of options.sections) {
    process.stderr.write(`[bench] ${section}: running\n`);
    const report = await runSection(section, options);
    process.stderr.write(
      `[bench] ${section}: ${report.failures.length === 0 ? 'done' : 'FAILED'} in ${(report.durationMs / 1000).toFixed(1)} s\n`,
    );
    sections.push(report);
  }

  const document: BenchDocument = {
    schemaVersion: 1,
    startedAt,
    mode: options.quick ? 'quick' : 'full',
    environment: env,
    ok: sections.every((report) => report.failures.length === 0),
    sections,
  };
  const failures = sections.flatMap((report) =>
    report.failures.map((failure) => `${report.section}: ${failure}`),
  );
  const out = [
    formatEnvironment(env),
    ...sections.map((report) => `${report.section}: ${(report.durationMs / 1000).toFixed(1)} s`),
    '',
    formatTable(sections.flatMap((report) => report.results)),
    ...(failures.length ? ['', 'FAILURES:', ...failures.map((failure) => `  ${failure}`)] : []),
    '',
  ];
  process.stdout.write(out.join('\n'));
  if (options.jsonPath === undefined) {
    process.stdout.write(`${JSON.stringify(document)}\n`);
  } else {
    writeFileSync(options.jsonPath, `${JSON.stringify(document, null, 2)}\n`);
    process.stderr.write(`[bench] results written to ${options.jsonPath}\n`);
  }
  return document.ok ? 0 : 1;
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
