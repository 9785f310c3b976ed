import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';

/** A JSON-safe copy of log metadata (bigints as strings, errors as their message). */
function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  return value;
}

/** One JSON object per line on stdout: time, level, message and the SDK's metadata (workflow, activity, connection, table, day). */
function formatLogLine(entry: LogEntry): string {
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  return JSON.stringify({ time, level: entry.level.toLowerCase(), message: entry.message, ...(jsonSafe(entry.meta ?? {}) as object) });
}

/** The worker's logger: structured JSON lines for log shippers (Loki, CloudWatch, Datadog). */
export function createJsonLogger(level: LogLevel = 'INFO'): DefaultLogger {
  return new DefaultLogger(level, (entry) => process.stdout.write(`${formatLogLine(entry)}\n`));
}
