/** The shapes every section reports and `run.ts` prints and writes as JSON. */

export const SECTION_NAMES = ['pure', 'handler', 'http'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

export const isSectionName = (value: unknown): value is SectionName =>
  SECTION_NAMES.includes(value as SectionName);

/** Milliseconds. Percentiles by the nearest-rank method over every timed operation. */
export interface LatencySummary {
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export interface MemorySnapshot {
  readonly heapUsedBytes: number;
  readonly rssBytes: number;
}

export interface MemoryChange {
  readonly before: MemorySnapshot;
  readonly after: MemorySnapshot;
  /** Whether a full GC ran before each snapshot; without one, heap figures include garbage. */
  readonly gcForced: boolean;
  /** What the figures cover, e.g. which isolates and processes. */
  readonly scope: string;
}

export interface BenchResult {
  readonly section: SectionName;
  readonly name: string;
  /** Operations completed in the measurement that gave `rate`. */
  readonly iterations: number;
  readonly unit: 'ops/s' | 'req/s';
  readonly rate: number;
  readonly latencyMs?: LatencySummary;
  /** Operations behind `latencyMs`, when a separate timed pass produced it. */
  readonly latencyIterations?: number;
  readonly memory?: MemoryChange;
  /** How the figure was obtained, when the name alone does not say. */
  readonly note?: string;
}

/** What a section hands back. Any failure makes the whole run exit non-zero. */
export interface SectionOutcome {
  readonly results: readonly BenchResult[];
  readonly failures: readonly string[];
}

export interface SectionReport extends SectionOutcome {
  readonly section: SectionName;
  readonly durationMs: number;
}

export interface SectionOptions {
  /** Small loops for a smoke run. */
  readonly quick: boolean;
}
