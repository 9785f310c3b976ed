import type { CheckName } from './validation-report';

export interface PlannedCheck {
  check: CheckName;
  /** What the check does, shown while it is pending. */
  tries: string;
  /** Checks that must be ok first; otherwise this one is skipped. */
  requires: CheckName[];
}

const common: PlannedCheck[] = [
  { check: 'credentials', tries: 'resolve the credentials (assume the role with the external ID when configured) and sign a request', requires: [] },
  { check: 'bucket', tries: 'GetBucketLocation: the bucket exists and is in the connection\'s region', requires: ['credentials'] },
  { check: 'list-prefix', tries: 'ListObjectsV2 on the prefix', requires: ['bucket'] },
];

const sourceChecks: PlannedCheck[] = [
  ...common,
  { check: 'source-layout', tries: 'the prefix holds table folders with data files', requires: ['list-prefix'] },
  { check: 'sample-read', tries: 'GetObject on a sample data file and read it with DuckDB', requires: ['source-layout'] },
];

const destinationChecks: PlannedCheck[] = [
  ...common,
  { check: 'write-probe', tries: 'PutObject then DeleteObject of a probe object under the prefix', requires: ['bucket'] },
  { check: 'multipart-upload', tries: 'CreateMultipartUpload then AbortMultipartUpload under the prefix', requires: ['bucket'] },
  { check: 'encryption', tries: 'a write with the configured server-side encryption, and one without', requires: ['write-probe'] },
];

/** The ordered checks for a direction; the workflow runs them one by one. */
export function checkPlan(direction: 'source' | 'destination'): PlannedCheck[] {
  return direction === 'source' ? sourceChecks : destinationChecks;
}
