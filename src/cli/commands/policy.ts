import { parseArgs } from 'node:util';
import { Connection } from '../../shared/connection';
import { connectionPolicies, type ConnectionPolicies } from '../../shared/policies/connection-policies';
import { withCatalog } from '../with-catalog';
import { UsageError, type CliCommand } from '../command';
import { readConnectionArg } from '../read-connection-arg';

const SECTIONS: { key: keyof ConnectionPolicies; option: string; title: string }[] = [
  { key: 'identityPolicy', option: 'identity', title: 'IAM policy: attach to the role or user s3bridge uses' },
  { key: 'bucketPolicy', option: 'bucket', title: 'Bucket policy: the same grants, for a principal in another account (S3 console > bucket > Permissions)' },
  { key: 'trustPolicy', option: 'trust', title: 'Role trust policy: lets the s3bridge worker assume the role with the external ID' },
  { key: 'kmsKeyPolicyStatement', option: 'kms', title: 'KMS key policy statement: add to the key\'s policy' },
];

export const policyCommand: CliCommand = {
  name: 'policy',
  summary: 'print the least-privilege IAM, bucket, trust and KMS policies for a connection',
  usage: 's3bridge policy <name | JSON | @file.json> [--principal ARN] [--worker-principal ARN] [--only identity|bucket|trust|kms]',
  async run(args, { settings }) {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true,
      options: { principal: { type: 'string' }, 'worker-principal': { type: 'string' }, only: { type: 'string' } },
    });
    const ref = readConnectionArg(positionals[0]);
    if (ref === undefined) throw new UsageError('missing the connection');
    const connection = typeof ref === 'string'
      ? await withCatalog(settings, (catalog) => catalog.getConnection(ref))
      : Connection.parse(ref);
    const policies = connectionPolicies(connection, { principal: values.principal, workerPrincipal: values['worker-principal'] });
    const sections = SECTIONS.filter((s) => policies[s.key] && (!values.only || values.only === s.option));
    if (values.only && sections.length === 0) {
      throw new UsageError(`--only ${values.only}: not one of identity, bucket, trust, kms, or not applicable to this connection`);
    }
    if (values.only) {
      // Bare JSON, ready to pipe into `aws iam put-role-policy` and friends.
      console.log(JSON.stringify(policies[sections[0]!.key], null, 2));
      return;
    }
    for (const s of sections) console.log(`// ${s.title}\n${JSON.stringify(policies[s.key], null, 2)}\n`);
    if (!values.principal && connection.auth.type !== 'assume-role') console.log('// --principal ARN fills in the bucket policy\'s principal');
    if (policies.trustPolicy && !values['worker-principal']) console.log('// --worker-principal ARN fills in who may assume the role');
  },
};
