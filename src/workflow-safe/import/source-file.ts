/** A data file of one day as listed from S3: what the ledger records and the loader reads. */
export interface SourceFile {
  key: string;
  etag: string;
  size: number;
}
