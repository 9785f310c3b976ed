import type { ValidationReport } from '../workflow-safe/validation/validation-report';

const STATUS_LABEL = { processing: 'Processing', active: 'Active', failed: 'Failed' } as const;

/** The report as the terminal shows it: one line per check, the fix under each failure. */
export function formatValidationReport(report: ValidationReport): string {
  const width = Math.max(...report.checks.map((c) => c.check.length), 5);
  const lines = [
    `connection "${report.connection}"${report.direction ? ` (${report.direction})` : ''}: ${STATUS_LABEL[report.status]}` +
      `${report.finishedAt ? ` at ${report.finishedAt}` : ` since ${report.startedAt}`}`,
  ];
  for (const row of report.checks) {
    lines.push(`  ${row.status.padEnd(7)}  ${row.check.padEnd(width)}  ${row.detail ?? row.tried}`);
    if (row.status === 'failed') {
      lines.push(`  ${''.padEnd(7)}  ${''.padEnd(width)}  tried: ${row.tried}`);
      if (row.fix) lines.push(`  ${''.padEnd(7)}  ${''.padEnd(width)}  fix: ${row.fix}`);
    }
  }
  return lines.join('\n');
}
