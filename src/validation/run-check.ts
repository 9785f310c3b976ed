import type { CheckName } from '../workflow-safe/validation/validation-report';
import type { CheckContext, CheckOutcome } from './check-context';
import { checkBucket } from './checks/check-bucket';
import { checkCredentials } from './checks/check-credentials';
import { checkEncryption } from './checks/check-encryption';
import { checkMultipartUpload } from './checks/check-multipart-upload';
import { checkPrefixListing } from './checks/check-prefix-listing';
import { checkSampleRead } from './checks/check-sample-read';
import { checkSourceLayout } from './checks/check-source-layout';
import { checkWriteProbe } from './checks/check-write-probe';

const CHECKS: Record<CheckName, (ctx: CheckContext) => Promise<CheckOutcome>> = {
  credentials: checkCredentials,
  bucket: checkBucket,
  'list-prefix': checkPrefixListing,
  'source-layout': checkSourceLayout,
  'sample-read': checkSampleRead,
  'write-probe': checkWriteProbe,
  'multipart-upload': checkMultipartUpload,
  encryption: checkEncryption,
};

/** Runs one named check. Transient errors propagate (Temporal retries); findings come back as the row. */
export function runCheck(ctx: CheckContext, check: CheckName): Promise<CheckOutcome> {
  return CHECKS[check](ctx);
}
