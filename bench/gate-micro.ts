/**
 * The egress gate's cost per request, alone: one DuckDB reads the `small` set of
 * bench/import-vs-peers.ts (1,000 Parquet files of 3 rows, made by that bench on the local MinIO)
 * in one `CREATE TABLE AS SELECT`, directly and through the gate's proxy, interleaved in each
 * round of the same process. Prints wall and CPU of each and the ratios gated / direct; "main" is
 * the CPU of Node's main thread (the proxy runs there; DuckDB's own threads are the rest).
 *
 *   npx tsx bench/gate-micro.ts [--rounds 5] [--files 1000] [--only direct|gated]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { localServiceEnv, localSourceConnection } from '../src/config/local-services';
import { quoteLiteral } from '../src/duckdb/sql';
import { withBaselineDuckDB } from './support/baseline-duckdb';

const { values } = parseArgs({ options: {
  rounds: { type: 'string', default: '5' }, files: { type: 'string', default: '1000' },
  // One side only (direct or gated), to profile it: `perf record -g -- npx tsx bench/gate-micro.ts --only gated`.
  only: { type: 'string' },
} });
localServiceEnv();
const BUCKET = 's3bridge-bench-peers';
const PREFIX = 'peers/v1/small';
const urls = Array.from({ length: Number(values.files) },
  (_, f) => `s3://${BUCKET}/${PREFIX}/events/date=2024-09-01/part-${String(f).padStart(4, '0')}.parquet`);
const connection = localSourceConnection({ name: 'gate-micro', bucket: BUCKET, prefix: PREFIX });
const TICKS_PER_SECOND = 100;

/** CPU seconds of one thread of this process, from /proc: utime + stime; and its name. */
function threadCpu(tid: string): { name: string; seconds: number } | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return undefined; // the thread ended
  }
}

/** The main thread's CPU seconds (its tid is the pid): Node's event loop, where the proxy runs. */
const mainThreadCpu = () => threadCpu(String(process.pid))!.seconds;

interface Measure { wall: number; cpu: number; system: number; main: number }

async function once(throughEgressGate: boolean): Promise<Measure> {
  const cpu = process.cpuUsage();
  const main = mainThreadCpu();
  const start = performance.now();
  await withBaselineDuckDB('gate-micro', connection, async (db) => {
    await db.run(`CREATE TABLE t AS SELECT * FROM read_parquet([${urls.map(quoteLiteral).join(', ')}])`);
  }, { throughEgressGate });
  const used = process.cpuUsage(cpu);
  return { wall: (performance.now() - start) / 1000, cpu: (used.user + used.system) / 1e6, system: used.system / 1e6, main: mainThreadCpu() - main };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const show = (m: Measure) => `wall ${m.wall.toFixed(2)} s, CPU ${m.cpu.toFixed(2)} s (system ${m.system.toFixed(2)} s, main thread ${m.main.toFixed(2)} s)`;

async function main(): Promise<void> {
  await once(values.only !== 'direct'); // warm-up: the proxy started, httpfs loaded, MinIO's caches warm
  const direct: Measure[] = [];
  const gated: Measure[] = [];
  for (let round = 1; round <= Number(values.rounds); round++) {
    // Alternate the order so neither side always runs second.
    const order = values.only ? [values.only === 'gated'] : round % 2 ? [false, true] : [true, false];
    for (const through of order) (through ? gated : direct).push(await once(through));
    console.log(`round ${round}: ${order.map((through) => (through ? `gated ${show(gated.at(-1)!)}` : `direct ${show(direct.at(-1)!)}`)).join(' | ')}`);
  }
  if (values.only) return;
  const pick = (xs: Measure[], k: keyof Measure) => median(xs.map((m) => m[k]));
  console.log(`median of ${direct.length}: CPU gated / direct ${(pick(gated, 'cpu') / pick(direct, 'cpu')).toFixed(2)}x `
    + `(${pick(gated, 'cpu').toFixed(2)} / ${pick(direct, 'cpu').toFixed(2)} s), wall ${(pick(gated, 'wall') / pick(direct, 'wall')).toFixed(2)}x `
    + `(${pick(gated, 'wall').toFixed(2)} / ${pick(direct, 'wall').toFixed(2)} s), main thread ${pick(gated, 'main').toFixed(2)} / ${pick(direct, 'main').toFixed(2)} s`);
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
