/**
 * Compares two bench results files (bench/results.json) ratio by ratio:
 *
 *   git show main:bench/results.json > /tmp/before.json
 *   npx tsx bench/compare-results.ts /tmp/before.json              # against bench/results.json
 *   npx tsx bench/compare-results.ts /tmp/before.json /tmp/after.json
 *
 * Prints, per bench present in both, the ratios of each side and the change, and says when the
 * two runs measured different parameters (sizes, rounds): their ratios are then not comparable.
 */
import { readFileSync } from 'node:fs';
import { RESULTS_FILE } from './support/results-file';

interface Entry { date: string; parameters: Record<string, unknown>; ratios: Record<string, number>; versions: Record<string, string> }

const [beforePath, afterPath = RESULTS_FILE] = process.argv.slice(2);
if (!beforePath) {
  console.error('usage: npx tsx bench/compare-results.ts <before.json> [after.json, default bench/results.json]');
  process.exit(2);
}
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, Entry>;
const before = read(beforePath);
const after = read(afterPath);

for (const bench of Object.keys(after).filter((name) => name in before).sort()) {
  const [a, b] = [before[bench]!, after[bench]!];
  console.log(`\n## ${bench}: ${a.date} (${a.versions.s3bridge}) -> ${b.date} (${b.versions.s3bridge})`);
  if (JSON.stringify(a.parameters) !== JSON.stringify(b.parameters)) {
    console.log(`different parameters, ratios not comparable: ${JSON.stringify(a.parameters)} -> ${JSON.stringify(b.parameters)}`);
  }
  console.log('| ratio | before | after | change |');
  console.log('|---|---:|---:|---:|');
  for (const name of [...new Set([...Object.keys(a.ratios), ...Object.keys(b.ratios)])].sort()) {
    const [x, y] = [a.ratios[name], b.ratios[name]];
    const change = x !== undefined && y !== undefined ? `${(((y - x) / x) * 100).toFixed(1)}%` : '-';
    console.log(`| ${name} | ${x ?? '-'} | ${y ?? '-'} | ${change} |`);
  }
}
const only = (x: Record<string, Entry>, y: Record<string, Entry>) => Object.keys(x).filter((name) => !(name in y));
if (only(before, after).length + only(after, before).length > 0) {
  console.log(`\nin one file only: ${[...only(before, after), ...only(after, before)].join(', ')}`);
}
