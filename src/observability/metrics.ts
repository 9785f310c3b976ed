import type { MetricMeter } from '@temporalio/common';

/**
 * s3bridge's own Prometheus counters, per connection and table, created on the Temporal
 * runtime's meter (an activity's `Context.current().metricMeter`), so they are served on the
 * same endpoint as the SDK's metrics (`S3BRIDGE_METRICS_PORT`).
 */
export interface TableVolume {
  connection: string;
  table: string;
  rowsLoaded?: number;
  rowsRejected?: number;
  bytesRead?: number;
  bytesExported?: number;
}

const COUNTERS = {
  rowsLoaded: ['s3bridge_rows_loaded', 'rows', 'Rows committed to the warehouse'],
  rowsRejected: ['s3bridge_rows_rejected', 'rows', 'Rows sent to s3bridge.rejects'],
  bytesRead: ['s3bridge_bytes_read', 'bytes', 'Bytes of source files read by loads'],
  bytesExported: ['s3bridge_bytes_exported', 'bytes', 'Bytes written to destination buckets'],
} as const;

/** Adds a load's (or an export's) volumes to the counters, tagged with its connection and table. */
export function recordTableVolume(meter: MetricMeter, volume: TableVolume): void {
  const tags = { connection: volume.connection, table: volume.table };
  for (const [field, [name, unit, description]] of Object.entries(COUNTERS) as [keyof typeof COUNTERS, (typeof COUNTERS)[keyof typeof COUNTERS]][]) {
    const value = volume[field];
    if (value !== undefined && value > 0) meter.createCounter(name, unit, description).add(value, tags);
  }
}
