import { DEFAULT_TASK_QUEUE } from '../workflow-safe/task-queue';
import { DEFAULT_TEMPORAL_ADDRESS } from './temporal-connection';

/** One environment variable s3bridge reads. */
export interface EnvironmentVariable {
  name: string;
  /** The value the code uses when the variable is unset (settings.ts reads it from here). */
  default?: string;
  /** What leaving it unset means, when that is not one literal value ("half the machine's memory"). */
  unset?: string;
  meaning: string;
}

export interface EnvironmentVariableGroup {
  title: string;
  /** Where the code reads them, for the reference page. */
  readBy: string;
  variables: readonly EnvironmentVariable[];
}

/**
 * Every environment variable s3bridge reads, with its default and meaning: the one table behind
 * `loadSettings`' defaults and docs/reference/settings.md (`npm run docs`; a test fails when the
 * page is stale or when the code reads a variable this table lacks).
 */
export const ENVIRONMENT_VARIABLES = [
  {
    title: 'Temporal server',
    readBy: 'src/config/temporal-connection.ts (the SDK\'s environment configuration, `@temporalio/envconfig`, as the Temporal CLI reads it)',
    variables: [
      { name: 'TEMPORAL_ADDRESS', default: DEFAULT_TEMPORAL_ADDRESS, meaning: 'the Temporal frontend, `host:port`' },
      { name: 'TEMPORAL_NAMESPACE', default: 'default', meaning: 'the namespace' },
      { name: 'TEMPORAL_API_KEY', unset: 'none', meaning: 'an API key (Temporal Cloud); turns TLS on' },
      {
        name: 'TEMPORAL_TLS', unset: 'off (on with an API key)',
        meaning: 'TLS to the server; with `TEMPORAL_TLS_CLIENT_CERT_PATH`, `TEMPORAL_TLS_CLIENT_KEY_PATH`, `TEMPORAL_TLS_SERVER_CA_CERT_PATH`, `TEMPORAL_TLS_SERVER_NAME` (and their `*_DATA` variants) for mTLS',
      },
      { name: 'TEMPORAL_PROFILE', default: 'default', meaning: 'the profile of `temporal.toml` to read; environment variables override it' },
      { name: 'TEMPORAL_CONFIG_FILE', default: '~/.config/temporalio/temporal.toml', meaning: 'where the profiles are' },
      { name: 'TEMPORAL_GRPC_META_<NAME>', unset: 'none', meaning: 'extra gRPC headers' },
      { name: 'S3BRIDGE_TASK_QUEUE', default: DEFAULT_TASK_QUEUE, meaning: 'the task queue the worker polls and the CLI starts runs on' },
      { name: 'S3BRIDGE_TEMPORAL_UI', default: 'http://127.0.0.1:8233', meaning: 'the Temporal UI, for the links the CLI and the console show' },
      { name: 'S3BRIDGE_REGISTER_SEARCH_ATTRIBUTES', unset: 'off', meaning: '`1`: the worker registers s3bridge\'s search attributes at start (needs operator rights)' },
    ],
  },
  {
    title: 'Data and DuckDB',
    readBy: 'src/config/settings.ts',
    variables: [
      {
        name: 'S3BRIDGE_DATA_DIR', default: '.s3bridge',
        meaning: 'folder of the embedded warehouse (`warehouse.duckdb`, which also holds the catalog in schema `s3bridge`), each load\'s staging folder (`staging/<load id>/`) and each DuckDB instance\'s spill folder (`duckdb-tmp/instance-*/`, removed when the instance closes). It may not contain `* ? [ ] { } \\`, which DuckDB would read as a pattern',
      },
      { name: 'S3BRIDGE_WAREHOUSE', unset: '`$S3BRIDGE_DATA_DIR/warehouse.duckdb`', meaning: 'the embedded warehouse file' },
      {
        name: 'S3BRIDGE_DUCKDB_EXTENSION_DIR', unset: 'DuckDB installs extensions from its own site (the scripts set `.tools/duckdb-extensions`)',
        meaning: 'offline DuckDB extensions (httpfs, ducklake, postgres)',
      },
      { name: 'S3BRIDGE_DUCKDB_MEMORY_LIMIT', default: '2GB', meaning: 'DuckDB `memory_limit` of each instance' },
      {
        name: 'S3BRIDGE_WORKER_MEMORY_BUDGET', unset: 'half the machine\'s memory',
        meaning: 'what all DuckDB instances of one worker process may use together (`2GB`, `8GiB`, ...): at most floor(budget / `S3BRIDGE_DUCKDB_MEMORY_LIMIT`) instances are open at once, one slot kept for the warehouse file; a load, discovery batch or validation needing a DuckDB when all slots are taken waits (heartbeating)',
      },
      { name: 'S3BRIDGE_DUCKDB_MAX_TEMP_SIZE', default: '20GB', meaning: 'DuckDB `max_temp_directory_size` of each instance: how much one instance may spill to disk before its query fails' },
      { name: 'S3BRIDGE_DUCKDB_THREADS', unset: 'DuckDB\'s default', meaning: 'DuckDB `threads`' },
      {
        name: 'S3BRIDGE_DIRECT_LOAD_MIN_FILE_SIZE', default: '256KiB',
        meaning: 'a Parquet day whose objects average at least this loads in one pass, read from S3 by the warehouse inside its commit; smaller objects stage. `off`: every day stages, and the warehouse never reads S3. The shared store (DuckLake) always stages',
      },
    ],
  },
  {
    title: 'Shared store (several workers)',
    readBy: 'src/config/settings.ts',
    variables: [
      { name: 'S3BRIDGE_STORE', default: 'embedded', meaning: '`embedded` (one DuckDB file, one worker) or `shared` (catalog and DuckLake metadata in Postgres, lake data in S3, any number of workers)' },
      { name: 'S3BRIDGE_POSTGRES_URL', unset: 'none (required by `shared`)', meaning: '`postgres://user@host:port/database` of the shared catalog' },
      {
        name: 'S3BRIDGE_POSTGRES_PASSWORD', unset: 'none',
        meaning: 'its password (a password inside the URL is moved here at start-up; it is handed to DuckDB as a bound secret value and never appears in settings, SQL text, logs, errors or workflow history)',
      },
      { name: 'S3BRIDGE_LAKE_DATA_PATH', unset: 'none (required by `shared`)', meaning: '`s3://bucket/prefix/` where the lake\'s Parquet files go' },
      { name: 'S3BRIDGE_LAKE_S3_ACCESS_KEY_ID', unset: '`AWS_ACCESS_KEY_ID`', meaning: 'the access key of the lake bucket' },
      { name: 'S3BRIDGE_LAKE_S3_SECRET_ACCESS_KEY', unset: '`AWS_SECRET_ACCESS_KEY`', meaning: 'its secret key' },
      { name: 'S3BRIDGE_LAKE_S3_REGION', unset: '`AWS_REGION`, else `us-east-1`', meaning: 'the lake bucket\'s region' },
      { name: 'S3BRIDGE_LAKE_S3_ENDPOINT', unset: '`S3BRIDGE_S3_ENDPOINT` (unset for AWS)', meaning: 'an S3-compatible endpoint for the lake bucket' },
      { name: 'S3BRIDGE_WORKER_IDENTITY', unset: '`pid@host`', meaning: 'the worker\'s name in Temporal and in the ledger (`s3bridge.load_ledger.loaded_by`)' },
    ],
  },
  {
    title: 'Worker',
    readBy: 'src/config/settings.ts, src/worker/main.ts, src/worker/workflow-bundle.ts',
    variables: [
      { name: 'S3BRIDGE_METRICS_PORT', unset: 'no metrics endpoint', meaning: 'the worker serves Prometheus metrics on `127.0.0.1:<port>/metrics`' },
      { name: 'S3BRIDGE_METRICS_ADDRESS', unset: 'no metrics endpoint', meaning: 'the same with a host, e.g. `0.0.0.0:9464` in a container (wins over the port)' },
      { name: 'S3BRIDGE_LOG_LEVEL', default: 'INFO', meaning: 'the worker\'s log level (`TRACE`, `DEBUG`, `INFO`, `WARN`, `ERROR`)' },
      { name: 'S3BRIDGE_WORKFLOW_BUNDLE', unset: 'bundle at start', meaning: 'a workflow bundle made by `node dist/scripts/bundle-workflows.js` (the Docker image\'s)' },
      {
        name: 'S3BRIDGE_WORKFLOW_BUNDLE_ENCODED', unset: 'bundle at start',
        meaning: 'the same made with `--encoded-failures`, for a worker with `S3BRIDGE_CODEC_KEY`; such a worker refuses a plain bundle',
      },
    ],
  },
  {
    title: 'Secrets and endpoints',
    readBy: 'src/config/settings.ts, src/config/local-services.ts',
    variables: [
      {
        name: 'S3BRIDGE_SECRET_ENV_ALLOW', unset: '`S3BRIDGE_SECRET_*,MINIO_ROOT_USER@<local MinIO>,MINIO_ROOT_PASSWORD@<local MinIO>`',
        meaning: 'the worker variables `env:` references may name: comma-separated names, `PREFIX*` prefixes, and `NAME@http://host:port` for a variable allowed only for connections to that endpoint',
      },
      { name: 'S3BRIDGE_SECRETS_DIR', unset: '`file:` references refused', meaning: 'the only folder `file:` references may point into (relative references are taken inside it)' },
      {
        name: 'S3BRIDGE_ENDPOINT_ALLOW', unset: 'none (`S3BRIDGE_S3_ENDPOINT`\'s and the lake endpoint\'s `host:port` are always allowed)',
        meaning: 'where the worker may connect although the address is loopback, private, link-local or a cloud metadata service\'s (the egress gate checks the address actually connected to): comma-separated hosts, `host:port`, `*.suffix` and CIDR ranges (`minio.internal:9000,10.1.0.0/16`)',
      },
      { name: 'S3BRIDGE_DNS_SERVERS', unset: 'the system resolver', meaning: 'DNS servers the egress gate resolves names with (`10.0.0.2,10.0.0.3:53`)' },
      {
        name: 'S3BRIDGE_WORKER_CREDENTIALS', default: 'off',
        meaning: '`stored`: stored connections may sign with the worker\'s own AWS credentials (`default-chain`, or `assume-role` without `baseCredentials`); inline connections never may',
      },
      {
        name: 'S3BRIDGE_WORKER_CREDENTIALS_ENDPOINTS', unset: 'none (AWS\'s own endpoints only)',
        meaning: 'endpoint origins besides AWS\'s own (`https://*.amazonaws.com`, `*.api.aws`) that may receive the worker\'s credentials, comma-separated (`https://minio.internal:9000`)',
      },
      { name: 'S3BRIDGE_S3_ENDPOINT', default: 'http://127.0.0.1:9000', meaning: 'the local MinIO (scripts, demo, tests); its root credentials are allowed for this endpoint only' },
      { name: 'MINIO_ROOT_USER', default: 's3bridge', meaning: 'the local MinIO\'s root user (local connections refer to it as `env:MINIO_ROOT_USER`)' },
      { name: 'MINIO_ROOT_PASSWORD', default: 's3bridge-local-secret', meaning: 'its password (local development only)' },
      { name: 'S3BRIDGE_LOCAL_POSTGRES_PASSWORD', default: 's3bridge-local-pg', meaning: 'the password of the loopback Postgres `scripts/services.sh` starts (local development only)' },
      { name: 'TEMPORAL_UI_PORT', default: '8233', meaning: 'the local dev server\'s UI port (scripts, demo)' },
    ],
  },
  {
    title: 'Console',
    readBy: 'src/console/console-settings.ts (`s3bridge console`, `npm run console`, the demo)',
    variables: [
      { name: 'S3BRIDGE_CONSOLE_HOST', default: '127.0.0.1', meaning: 'where `s3bridge console` listens (`--host`); another address needs `S3BRIDGE_CONSOLE_TOKEN` or a trusted proxy header' },
      { name: 'S3BRIDGE_CONSOLE_PORT', default: '8234', meaning: 'its port (`--port`)' },
      { name: 'S3BRIDGE_CONSOLE_TOKEN', unset: 'no sign-in (loopback only)', meaning: 'the console\'s sign-in token (16 characters or more); required when it listens beyond loopback, unless a proxy header is trusted' },
      { name: 'S3BRIDGE_CONSOLE_TRUSTED_HEADER', unset: 'none', meaning: 'a header your authenticating reverse proxy sets (e.g. `X-Forwarded-User`, `--trust-proxy-header`): requests without it are refused' },
      { name: 'S3BRIDGE_CONSOLE_ALLOWED_HOSTS', unset: 'none', meaning: 'host names the console answers to besides its own address (its name behind a proxy), comma-separated' },
    ],
  },
  {
    title: 'Payload encryption',
    readBy: 'src/codec/data-converter.ts, src/codec/main.ts',
    variables: [
      { name: 'S3BRIDGE_CODEC_KEY', unset: 'payloads in plain JSON', meaning: '32 bytes, base64: turns on AES-256-GCM encryption of every payload and failure message' },
      { name: 'S3BRIDGE_CODEC_KEY_ID', default: 's3bridge', meaning: 'the key\'s name, stored with each encrypted payload' },
      { name: 'S3BRIDGE_CODEC_OLD_KEYS', unset: 'none', meaning: '`id=base64,...`: rotated keys kept for decoding old histories' },
      { name: 'S3BRIDGE_CODEC_SERVER_HOST', default: '127.0.0.1', meaning: 'where `npm run codec-server` listens' },
      { name: 'S3BRIDGE_CODEC_SERVER_PORT', default: '8888', meaning: 'its port' },
      { name: 'S3BRIDGE_CODEC_CORS_ORIGINS', default: 'http://127.0.0.1:8233,http://localhost:8233', meaning: 'the origins (Temporal UIs) the codec server answers, comma-separated' },
      { name: 'S3BRIDGE_CODEC_SERVER_TOKEN', unset: 'none', meaning: 'a static token for the CLI (`Authorization: Bearer <token>`); it cannot stand for the Temporal UI\'s per-user tokens' },
      { name: 'S3BRIDGE_CODEC_OIDC_ISSUER', unset: 'none', meaning: 'the OIDC issuer whose access tokens (the Temporal UI\'s, `codec.passAccessToken`) the codec server accepts, verified with `jose`' },
      { name: 'S3BRIDGE_CODEC_OIDC_AUDIENCE', unset: 'none (required with the issuer)', meaning: 'the `aud` your provider puts in the Temporal UI\'s access tokens' },
      { name: 'S3BRIDGE_CODEC_OIDC_JWKS_URL', unset: '`<issuer>/.well-known/jwks.json`', meaning: 'the provider\'s keys (the `jwks_uri` of its `/.well-known/openid-configuration`)' },
      { name: 'S3BRIDGE_CODEC_SERVER_AUTH', unset: 'a token is required', meaning: '`none-local`: no authentication, for local development, on a loopback host only' },
      { name: 'S3BRIDGE_CODEC_SERVER_HOSTS', unset: 'none', meaning: 'host names the codec server answers to besides its own `host:port` (the name a reverse proxy serves it under), comma-separated' },
      { name: 'S3BRIDGE_CODEC_SERVER_ENCODE', unset: 'off', meaning: '`1`: serves `/encode` too (off by default: nobody needs to encrypt through it)' },
    ],
  },
] as const satisfies readonly EnvironmentVariableGroup[];

type Variable = (typeof ENVIRONMENT_VARIABLES)[number]['variables'][number];

/** The literal default of every variable that has one, by name: what settings.ts falls back to. */
export const DEFAULTS = Object.fromEntries(
  ENVIRONMENT_VARIABLES.flatMap((group) => group.variables as readonly EnvironmentVariable[])
    .filter((variable) => variable.default !== undefined).map((variable) => [variable.name, variable.default]),
) as { [V in Variable as V extends { default: string } ? V['name'] : never]: string };
