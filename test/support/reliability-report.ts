import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One row of test/reliability/REPORT.md: what was done to the system, and what came out. */
export interface ReportRow {
  fault: string;
  where: string;
  outcome: string;
  rowsExpected: number | string;
  rowsFound: number | string;
}

const DIR = path.resolve(__dirname, '../reliability');
const RESULTS = path.join(DIR, '.results');

/**
 * Records a test file's rows and re-renders REPORT.md from every file's latest rows, so a run of
 * one file or of the whole suite leaves a complete table (files in name order, rows as recorded).
 */
export function writeReportRows(file: string, rows: ReportRow[]): void {
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(path.join(RESULTS, `${path.basename(file)}.json`), JSON.stringify(rows, null, 1));
  const all = readdirSync(RESULTS).filter((f) => f.endsWith('.json')).sort()
    .flatMap((f) => JSON.parse(readFileSync(path.join(RESULTS, f), 'utf8')) as ReportRow[]);
  const cell = (value: string | number) => String(value).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    '# Reliability report',
    '',
    'Written by the fault tests in `test/reliability/` (`npx vitest run test/reliability`); every row is a real',
    'fault on real processes (worker, MinIO, Temporal dev server, Postgres, a TCP proxy) and the rows the warehouse held after.',
    '',
    '| fault or input | where | outcome | rows expected | rows found |',
    '|---|---|---|---:|---:|',
    ...all.map((r) => `| ${cell(r.fault)} | ${cell(r.where)} | ${cell(r.outcome)} | ${cell(r.rowsExpected)} | ${cell(r.rowsFound)} |`),
    '',
  ];
  writeFileSync(path.join(DIR, 'REPORT.md'), lines.join('\n'));
}
