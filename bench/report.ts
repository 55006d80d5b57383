/** The run's environment, the printed table and the JSON document: pure functions of the results. */
import os from 'node:os';
import type { BenchResult, MemoryChange, SectionReport } from './results';

export interface Environment {
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly totalMemoryMiB: number;
}

export const environment = (): Environment => ({
  node: process.version,
  v8: process.versions.v8,
  platform: process.platform,
  arch: process.arch,
  cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
  cpuCount: os.availableParallelism(),
  totalMemoryMiB: Math.round(os.totalmem() / 2 ** 20),
});

export interface BenchDocument {
  readonly schemaVersion: 1;
  readonly startedAt: string;
  readonly mode: 'quick' | 'full';
  readonly environment: Environment;
  readonly ok: boolean;
  readonly sections: readonly SectionReport[];
}

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

const signedMib = (bytes: number): string => `${bytes >= 0 ? '+' : ''}${mib(bytes)}`;

export const formatMemory = (memory: MemoryChange): string => {
  const { before, after } = memory;
  const heap = `heap ${mib(before.heapUsedBytes)}→${mib(after.heapUsedBytes)} MiB (${signedMib(after.heapUsedBytes - before.heapUsedBytes)})`;
  const rss = `rss ${mib(before.rssBytes)}→${mib(after.rssBytes)} MiB`;
  return `${heap}, ${rss}${memory.gcForced ? '' : ' (no forced GC)'}`;
};

export const formatRate = (rate: number): string =>
  rate >= 100 ? Math.round(rate).toLocaleString('en-US') : rate.toFixed(1);

export const formatMs = (ms: number): string => {
  if (ms < 1) return ms.toFixed(4);
  if (ms < 100) return ms.toFixed(2);
  return ms.toFixed(1);
};

const COLUMNS = ['section', 'name', 'n', 'rate', 'p50 ms', 'p95 ms', 'p99 ms', 'memory'] as const;
/** Columns whose values are numbers, right-aligned. */
const NUMERIC = new Set<string>(['n', 'rate', 'p50 ms', 'p95 ms', 'p99 ms']);

const row = (result: BenchResult): string[] => [
  result.section,
  result.name,
  result.iterations.toLocaleString('en-US'),
  `${formatRate(result.rate)} ${result.unit}`,
  result.latencyMs ? formatMs(result.latencyMs.p50) : '-',
  result.latencyMs ? formatMs(result.latencyMs.p95) : '-',
  result.latencyMs ? formatMs(result.latencyMs.p99) : '-',
  result.memory ? formatMemory(result.memory) : '',
];

/** A plain-text table; notes follow it, numbered, so the table stays narrow. */
export const formatTable = (results: readonly BenchResult[]): string => {
  const rows = results.map(row);
  const widths = COLUMNS.map((column, index) =>
    Math.max(column.length, ...rows.map((cells) => (cells[index] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, index) => {
        const width = widths[index] ?? 0;
        return NUMERIC.has(COLUMNS[index] ?? '') ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  const notes = results.flatMap((result) => (result.note ? [`  ${result.name}: ${result.note}`] : []));
  return [line(COLUMNS), rule, ...rows.map(line), ...(notes.length ? ['', 'notes:', ...notes] : [])].join(
    '\n',
  );
};

export const formatEnvironment = (env: Environment): string =>
  `Node ${env.node} (V8 ${env.v8}), ${env.platform}/${env.arch}, CPU ${env.cpuModel} x${env.cpuCount}, ` +
  `${env.totalMemoryMiB} MiB RAM`;
