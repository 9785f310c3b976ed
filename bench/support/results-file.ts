import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { version as duckdbVersion } from '@duckdb/node-api';

/**
 * bench/results.json: the last results of every bench, each under its own name, so a script can
 * compare runs (the tables in bench/README.md are their human form). A bench replaces its own
 * entry and keeps the others'. BENCH_RESULTS=<path> writes elsewhere (a smoke run, a CI job).
 */
export const RESULTS_FILE = process.env.BENCH_RESULTS ?? path.resolve(__dirname, '..', 'results.json');

/** One measured row: medians over the bench's rounds (CPU seconds of the process, or of the workers it names). */
export interface BenchRow {
  seconds: number;
  cpuSeconds?: number;
  peakRssBytes?: number;
  rowsPerSecond?: number;
  /** How many rounds the medians are taken over. */
  runs?: number;
}

export interface BenchResults {
  /** What was measured: sizes, rounds, flags. */
  parameters: Record<string, unknown>;
  rows: Record<string, BenchRow>;
  /**
   * The baseline row each row is compared with (a row name, or a function of the row's name):
   * every row with one gets `<row>.wall_vs_baseline` and, with CPU on both sides, `<row>.cpu_vs_baseline`.
   */
  baseline?: string | ((row: string) => string | undefined);
  /** Further ratios, by name (`large.raw.faster_than_dlt_fastest`, `throughput_2_vs_1_workers`). */
  ratios?: Record<string, number>;
  /** Named numbers that are not ratios (`growth.overhead_ms_per_day.365`). */
  metrics?: Record<string, number>;
  /** Versions beyond Node, DuckDB and s3bridge's commit (dlt). */
  versions?: Record<string, string>;
}

/** The commit the bench ran, with `+dirty` when the worktree had changes. */
function s3bridgeCommit(): string {
  try {
    const cwd = path.resolve(__dirname, '../..');
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit}+dirty` : commit;
  } catch {
    return 'unknown';
  }
}

const round = (n: number, digits = 3) => Number(n.toFixed(digits));

/** Computes the ratios and merges this bench's results into RESULTS_FILE under `bench`; returns the file's path. */
export function writeBenchResults(bench: string, results: BenchResults): string {
  const ratios: Record<string, number> = {};
  const baselineOf = typeof results.baseline === 'function' ? results.baseline : () => results.baseline as string | undefined;
  for (const [name, row] of Object.entries(results.rows)) {
    const base = baselineOf(name);
    const against = base === undefined || base === name ? undefined : results.rows[base];
    if (!against) continue;
    ratios[`${name}.wall_vs_baseline`] = round(row.seconds / against.seconds);
    if (row.cpuSeconds !== undefined && against.cpuSeconds) ratios[`${name}.cpu_vs_baseline`] = round(row.cpuSeconds / against.cpuSeconds);
  }
  for (const [name, value] of Object.entries(results.ratios ?? {})) ratios[name] = round(value);
  const entry = {
    date: new Date().toISOString(),
    command: ['npx tsx', path.relative(path.resolve(__dirname, '../..'), process.argv[1] ?? ''), ...process.argv.slice(2)].join(' '),
    machine: {
      cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', memoryBytes: os.totalmem(),
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      // Load averages (1, 5, 15 min) as the results were written: a busy machine makes slow rows.
      loadAverage: os.loadavg().map((l) => round(l, 2)),
    },
    versions: { node: process.version, duckdb: duckdbVersion(), s3bridge: s3bridgeCommit(), ...results.versions },
    parameters: results.parameters,
    ratios,
    ...(results.metrics ? { metrics: Object.fromEntries(Object.entries(results.metrics).map(([k, v]) => [k, round(v)])) } : {}),
    rows: Object.fromEntries(Object.entries(results.rows).map(([name, row]) => [name, Object.fromEntries(
      Object.entries(row).filter(([, v]) => v !== undefined).map(([k, v]) => [k, k === 'peakRssBytes' || k === 'runs' ? v : round(v as number)]))])),
  };
  // Read, merge and replace in one synchronous step (renamed into place, never half-written).
  const all = existsSync(RESULTS_FILE) ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Record<string, unknown>) : {};
  all[bench] = entry;
  const sorted = Object.fromEntries(Object.keys(all).sort().map((key) => [key, all[key]]));
  const temporary = `${RESULTS_FILE}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(sorted, null, 2)}\n`);
  renameSync(temporary, RESULTS_FILE);
  console.log(`\nresults written to ${path.relative(process.cwd(), RESULTS_FILE) || RESULTS_FILE} (entry "${bench}")`);
  return RESULTS_FILE;
}
