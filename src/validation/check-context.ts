import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { Settings } from '../config/settings';
import type { Connection } from '../workflow-safe/connection';
import type { CheckFacts, CheckRow } from '../workflow-safe/validation/validation-report';

/** What one check gets: the connection, the facts earlier checks found, and lazily made clients. */
export interface CheckContext {
  settings: Settings;
  connection: Connection;
  facts: CheckFacts;
  /** A key under the prefix, unique to this validation run, for probe objects. */
  probeKey(label: string): string;
  credentials(): Promise<AwsCredentialIdentity>;
  s3(): Promise<S3Client>;
}

/** A check's result: its report row (without the name, which the runner adds) and new facts. */
export interface CheckOutcome {
  row: Omit<CheckRow, 'check'>;
  facts?: CheckFacts;
}

/** `s3://bucket/prefix/`, as users see it in the console. */
export function prefixUri(connection: Pick<Connection, 'bucket' | 'prefix'>): string {
  return `s3://${connection.bucket}/${prefixPath(connection.prefix)}`;
}

/** The prefix as a key prefix: "" or "events/". */
export function prefixPath(prefix: string): string {
  return prefix ? `${prefix}/` : '';
}
