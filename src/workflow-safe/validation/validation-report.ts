import type { PolicyStatement } from '../policies/policy-document';

/** Permutive's lifecycle: Processing while the checks run, then Active or Failed. */
export type ConnectionStatus = 'processing' | 'active' | 'failed';

export type CheckName =
  | 'credentials'
  | 'bucket'
  | 'list-prefix'
  | 'source-layout'
  | 'sample-read'
  | 'write-probe'
  | 'multipart-upload'
  | 'encryption';

type CheckStatus = 'pending' | 'ok' | 'failed' | 'skipped';

/** One row of the validation report. */
export interface CheckRow {
  check: CheckName;
  status: CheckStatus;
  /** What was tried, in words (the calls made and on what). */
  tried: string;
  /** What was found: for ok the evidence, for failed the error, for skipped why. */
  detail?: string;
  /** For a failure: the exact fix. */
  fix?: string;
  /** For a permission failure: the IAM action that is missing and the statement that grants it. */
  missingAction?: string;
  statement?: PolicyStatement;
}

/** Small facts a check hands to later ones (never secrets, never key lists). */
export interface CheckFacts {
  /** A data file under the prefix that the sample read uses. */
  sampleKey?: string;
  /** A few more data files (at most five, sampleKey first): one unreadable file never decides alone. */
  sampleKeys?: string[];
}

export interface ValidationReport {
  connection: string;
  /** Known once a stored connection has been looked up. */
  direction?: 'source' | 'destination';
  status: ConnectionStatus;
  startedAt: string;
  finishedAt?: string;
  /** The first failure in one line; absent unless Failed. */
  reason?: string;
  checks: CheckRow[];
}
