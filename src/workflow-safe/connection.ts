import { z } from 'zod';

/**
 * The connection model: where a customer's bucket is and how s3bridge may reach it.
 * Workflow-safe (pure zod). Secret values never appear here: auth holds references
 * (`env:NAME` or `file:/path`) resolved inside activities only.
 */

/** A message for a missing field that says what to enter; zod's default names only the type. */
function required(what: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? `required: ${what}` : undefined);
}

const BUCKET_RULES =
  'bucket names are 3-63 characters of lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit';

/** Explains the commonest mistakes (a URI, an ARN or a path pasted as the bucket name). */
function bucketNameProblem(value: string): string | undefined {
  const uri = /^s3a?:\/\/([^/]+)\/?(.*)$/i.exec(value);
  if (uri) {
    const [, bucket, rest] = uri;
    const prefix = rest?.replace(/\/+$/, '');
    return `enter the bucket name only, without "s3://": bucket "${bucket}"${prefix ? ` and prefix "${prefix}"` : ''}`;
  }
  const arn = /^arn:aws[a-z-]*:s3:::([^/]+)\/?(.*)$/.exec(value);
  if (arn) {
    const [, bucket, rest] = arn;
    const prefix = rest?.replace(/\/+$/, '');
    return `enter the bucket name, not its ARN: bucket "${bucket}"${prefix ? ` and prefix "${prefix}"` : ''}`;
  }
  const https = /^https?:\/\/([^/]+)\/?(.*)$/i.exec(value);
  if (https) {
    return 'enter the bucket name, not a URL (an S3-compatible server goes in "endpoint")';
  }
  if (value.includes('/')) {
    const [bucket, ...rest] = value.split('/');
    const prefix = rest.join('/').replace(/\/+$/, '');
    return `enter the path in "prefix", not in the bucket name: bucket "${bucket}"${prefix ? ` and prefix "${prefix}"` : ''}`;
  }
  if (value !== value.toLowerCase()) return `bucket names are lowercase: "${value.toLowerCase()}"?`;
  if (value.length < 3 || value.length > 63) return `${BUCKET_RULES}; "${value}" has ${value.length}`;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(value)) return BUCKET_RULES;
  if (value.includes('..')) return 'bucket names cannot contain two adjacent dots';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(value)) return 'bucket names cannot look like an IP address';
  if (value.startsWith('xn--') || value.endsWith('-s3alias') || value.endsWith('--ol-s3')) {
    return 'bucket names cannot start with "xn--" or end with "-s3alias" or "--ol-s3"';
  }
  return undefined;
}

const BucketName = z.string({ error: required('the bucket name, e.g. "my-bucket" (without s3:// or a path)') }).superRefine((value, ctx) => {
  const problem = bucketNameProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const Region = z
  .string({ error: required('the AWS region the bucket is in, e.g. "us-east-1" (S3 console, bucket overview)') })
  .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'expected an AWS region code such as "us-east-1" or "eu-west-1"');

const Prefix = z
  .string()
  .default('')
  .refine((p) => !p.startsWith('/'), 'the prefix has no leading slash: write "events/2025", not "/events/2025"')
  .refine((p) => !/^s3a?:\/\//i.test(p), 'the prefix is a path inside the bucket, without "s3://" and the bucket name')
  .refine((p) => !p.split('/').includes('..'), 'the prefix cannot contain ".."')
  .refine((p) => !p.includes('*'), 'the prefix is a plain path without wildcards: write "data/audiences", not "data/audiences/*"')
  .transform((p) => p.replace(/\/+$/, ''));

/** A reference to a secret: `env:NAME` (an environment variable of the worker) or `file:/path`. */
export const SecretRef = z
  .string()
  .superRefine((value, ctx) => {
    if (/^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$/.test(value)) return;
    const looksSecret = /^(AKIA|ASIA)[A-Z0-9]{12,}$/.test(value) || /^[A-Za-z0-9/+=]{30,}$/.test(value);
    ctx.addIssue({
      code: 'custom',
      message: looksSecret
        ? 'this looks like a secret value; pass a reference instead ("env:VARIABLE_NAME" or "file:/path/to/file") so it never enters workflow history'
        : 'expected a secret reference: "env:VARIABLE_NAME" or "file:/path/to/file"',
    });
  });
export type SecretRef = z.infer<typeof SecretRef>;

const RoleArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
    'expected a role ARN of the form arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME (12-digit account id)',
  );

const StaticKeys = z.object({
  type: z.literal('static-keys'),
  accessKeyId: SecretRef,
  secretAccessKey: SecretRef,
  sessionToken: SecretRef.optional(),
});

const DefaultChain = z.object({ type: z.literal('default-chain') });

/**
 * AWS accepts external IDs of 2 characters; s3bridge asks for more. The external ID is what keeps
 * someone else who uses the same s3bridge worker from having it assume your role (the confused
 * deputy), so it must not be guessable.
 */
const EXTERNAL_ID_MIN_LENGTH = 16;

const ExternalId = z
  .string({ error: required(`the role's external ID (at least ${EXTERNAL_ID_MIN_LENGTH} characters); \`s3bridge connections add\` generates a random one when you leave it out`) })
  .min(EXTERNAL_ID_MIN_LENGTH, `at least ${EXTERNAL_ID_MIN_LENGTH} characters: the external ID keeps anyone else who uses the same s3bridge worker from having it assume your role, `
    + 'so it must not be guessable; leave it out and `s3bridge connections add` generates a random one')
  .max(1224)
  .regex(/^[\w+=,.@:/-]+$/, 'external IDs use letters, digits and +=,.@:/-');

export const Auth = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('assume-role'),
    roleArn: RoleArn,
    // Not a secret (AWS documents it as such); it must reach STS unchanged.
    externalId: ExternalId,
    // The credentials that call sts:AssumeRole; the default chain unless given.
    baseCredentials: z.discriminatedUnion('type', [StaticKeys, DefaultChain]).default({ type: 'default-chain' }),
    sessionName: z.string().regex(/^[\w+=,.@-]{2,64}$/).default('s3bridge'),
  }),
  StaticKeys,
  DefaultChain,
], {
  error: (issue) => {
    if (issue.input === undefined) return 'required: how s3bridge signs in: {"type": "assume-role", ...}, {"type": "static-keys", ...} or {"type": "default-chain"}';
    return issue.code === 'invalid_union' ? 'auth.type must be "assume-role", "static-keys" or "default-chain"' : undefined;
  },
});
export type Auth = z.infer<typeof Auth>;

export const DataFormat = z.enum(['parquet', 'csv', 'csv.gz', 'tsv', 'tsv.gz', 'ndjson', 'ndjson.gz', 'auto'], {
  error: 'format must be "parquet", "csv", "csv.gz", "tsv", "tsv.gz", "ndjson", "ndjson.gz" or "auto" (detect from the files)',
});
export type DataFormat = z.infer<typeof DataFormat>;

/** all: unpartitioned tables are skipped; none: partition-like folders are plain folders; dated-folders: day folders become `date`; auto: detect. */
export const Partitioning = z.enum(['auto', 'all', 'none', 'dated-folders'], {
  error: 'partitioning must be "all" (every table has partition folders), "none" (no table has), "dated-folders" (one folder per day) or "auto"',
});
export type Partitioning = z.infer<typeof Partitioning>;

export const Encryption = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({ type: z.literal('AES256') }),
  z.object({
    type: z.literal('aws:kms'),
    kmsKeyArn: z
      .string({ error: required('aws:kms needs kmsKeyArn, the KMS key\'s ARN (arn:aws:kms:REGION:ACCOUNT_ID:key/KEY_ID)') })
      .regex(
        /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[\w/-]+|[\w-]+)$/,
        'expected a KMS key ARN (arn:aws:kms:REGION:ACCOUNT_ID:key/KEY_ID) or a key id',
      ),
  }),
], { error: (issue) => (issue.code === 'invalid_union' ? 'encryption.type must be "none", "AES256" (SSE-S3) or "aws:kms" (SSE-KMS, with kmsKeyArn)' : undefined) });
export type Encryption = z.infer<typeof Encryption>;

function parsedUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/**
 * `scheme://host[:port]` and nothing else. Both S3 clients address the server by it (DuckDB takes
 * only the host, the AWS SDK would keep a path), and it appears in messages and history: a
 * `user:password@` there would carry a secret into both. The messages never repeat the value.
 */
const Endpoint = z
  .url({ protocol: /^https?$/, error: 'expected an http(s) URL such as "http://127.0.0.1:9000"' })
  .refine((e) => { const url = parsedUrl(e); return !url?.username && !url?.password; },
    'the endpoint carries no user:password@ (credentials go in "auth", as env: or file: references, so they never enter workflow history)')
  .refine((e) => { const url = parsedUrl(e); return !url || (url.pathname === '/' && !url.search && !url.hash); },
    'the endpoint is scheme://host[:port] only, without a path, query or fragment: both S3 clients must address the same server the same way');

const NAME_RULES = 'connection names are 1-63 lowercase letters, digits, "-" or "_", starting with a letter or digit';
const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

const ConnectionBase = z.object({
  name: z
    .string({ error: required('a name for the connection, e.g. "events-source"') })
    .regex(NAME_PATTERN, NAME_RULES),
  region: Region,
  bucket: BucketName,
  prefix: Prefix,
  auth: Auth,
  /** An S3-compatible endpoint (MinIO, R2, ...); AWS when absent. */
  endpoint: Endpoint.optional(),
  /** Path-style addressing; defaults to true when an endpoint is set. */
  forcePathStyle: z.boolean().optional(),
});

export const SourceConnection = ConnectionBase.extend({
  direction: z.literal('source'),
  format: DataFormat.default('auto'),
  partitioning: Partitioning.default('auto'),
});
export type SourceConnection = z.infer<typeof SourceConnection>;

export const DestinationConnection = ConnectionBase.extend({
  direction: z.literal('destination'),
  encryption: Encryption.default({ type: 'AES256' }),
});
export type DestinationConnection = z.infer<typeof DestinationConnection>;

export const Connection = z.discriminatedUnion('direction', [SourceConnection, DestinationConnection], {
  error: (issue) => (issue.code === 'invalid_union' ? 'direction must be "source" (import) or "destination" (export)' : undefined),
});
export type Connection = z.infer<typeof Connection>;

/** A workflow names a stored connection, or carries one inline (runs started from the Temporal UI). */
export const ConnectionRef = z.union([
  z.string().min(1, 'name a stored connection or give one inline').regex(
    NAME_PATTERN,
    `not a connection name (${NAME_RULES}): name a stored connection, or give the connection inline as a JSON object`,
  ),
  Connection,
], { error: 'expected the name of a stored connection or an inline connection object' });
export type ConnectionRef = z.infer<typeof ConnectionRef>;

export function connectionName(ref: ConnectionRef): string {
  return typeof ref === 'string' ? ref : ref.name;
}

/** JSON with sorted keys: the same settings compare equal whatever order their fields came in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v);
}

/** Whether two connections have the same settings (an inline copy of a stored connection, a status's config). */
export function sameSettings(a: Connection, b: Connection): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
