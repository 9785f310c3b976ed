import { ApplicationFailure } from '@temporalio/common';
import type { Connection } from '../../src/workflow-safe/connection';
import type { CheckSetupResult } from '../../src/workflow-safe/inputs/check-setup-input';
import { resolveCredentials } from '../../src/s3/resolve-credentials';
import { createS3Client } from '../../src/s3/create-s3-client';
import { toS3Failure } from '../../src/s3/classify-s3-error';
import { s3ObjectUrl, SAMPLE_READ_BUDGET_BYTES, withS3DuckDB } from '../../src/duckdb/s3-session';
import { parquetReader } from '../../src/formats/parquet';
import type { ActivityDeps } from '../deps';
import { listObjectsPage } from '../../src/s3/list-objects-page';
import { NO_SAMPLE_FILE } from '../../src/workflow-safe/failure-types';

export interface CheckSetupActivityInput {
  connection: Connection;
  sampleKey?: string;
}

export function createCheckSetup({ settings, catalog }: ActivityDeps) {
  /** Lists the connection's prefix and reads one Parquet object through DuckDB's httpfs. */
  return async function checkSetup({ connection, sampleKey }: CheckSetupActivityInput): Promise<CheckSetupResult> {
    const credentials = await resolveCredentials(connection, settings, catalog);
    const s3 = createS3Client(connection, credentials, settings);
    const prefix = connection.prefix ? `${connection.prefix}/` : '';
    let keys: string[];
    try {
      const listed = await listObjectsPage(s3, { Bucket: connection.bucket, Prefix: prefix, MaxKeys: 1000 });
      keys = (listed.Contents ?? []).map((o) => o.Key ?? '').filter(Boolean);
    } catch (error) {
      throw toS3Failure(error, `listing s3://${connection.bucket}/${prefix}`);
    } finally {
      s3.destroy();
    }
    const key = sampleKey ?? keys.find((k) => k.endsWith('.parquet'));
    if (!key) {
      throw ApplicationFailure.create({
        type: NO_SAMPLE_FILE,
        nonRetryable: true,
        message: `no .parquet object under s3://${connection.bucket}/${prefix} (listed ${keys.length} objects)`,
      });
    }
    const url = s3ObjectUrl(connection.bucket, key);
    return withS3DuckDB(settings, connection, credentials, async (db) => {
      // Every row is read, not only the footer: the check proves DuckDB reads the data through S3.
      const count = await parquetReader.sample(db, url, Number.MAX_SAFE_INTEGER);
      const schema = await parquetReader.describe(db, url);
      return {
        bucket: connection.bucket,
        prefix: connection.prefix,
        objectsListed: keys.length,
        sampleKey: key,
        sampleRows: count,
        sampleColumns: schema,
      };
    }, { readBudgetBytes: SAMPLE_READ_BUDGET_BYTES });
  };
}
