import { Option, type Command } from 'commander';
import { Connection } from '../../workflow-safe/connection';
import { connectionPolicies, type ConnectionPolicies } from '../../workflow-safe/policies/connection-policies';
import { withCatalog } from '../../client/with-catalog';
import { action } from '../action';
import { UsageError, type RegisterCommand } from '../command';
import { readConnectionArg } from '../read-connection-arg';
import { withGeneratedExternalId } from '../../client/external-id';

const SECTIONS: { key: keyof ConnectionPolicies; option: string; title: string }[] = [
  { key: 'identityPolicy', option: 'identity', title: 'IAM policy: attach to the role or user s3bridge uses' },
  { key: 'bucketPolicy', option: 'bucket', title: 'Bucket policy: the same grants, for a principal in another account (S3 console > bucket > Permissions)' },
  { key: 'trustPolicy', option: 'trust', title: 'Role trust policy: lets the s3bridge worker assume the role with the external ID' },
  { key: 'kmsKeyPolicyStatement', option: 'kms', title: 'KMS key policy statement: add to the key\'s policy' },
];

export const registerPolicy: RegisterCommand = (program: Command, context) => {
  program.command('policy')
    .description('print the least-privilege IAM, bucket, trust and KMS policies for a connection')
    .argument('<connection>', 'a stored connection\'s name, inline JSON or @file.json')
    .option('--principal <arn>', 'the principal of the bucket policy')
    .option('--worker-principal <arn>', 'who may assume the role (the worker\'s identity)')
    .addOption(new Option('--only <policy>', 'print one policy as bare JSON').choices(['identity', 'bucket', 'trust', 'kms']))
    .action(action(context, async (arg: string, options: { principal?: string; workerPrincipal?: string; only?: string }) => {
      const ref = readConnectionArg(arg);
      // An inline assume-role connection without an external ID gets one here: it must go into the connection too.
      const inline = typeof ref === 'string' ? undefined : withGeneratedExternalId(ref);
      const connection = typeof ref === 'string'
        ? await withCatalog(context.settings, (catalog) => catalog.getConnection(ref))
        : Connection.parse(inline!.connection);
      if (inline?.generated) context.note(`generated an external ID: ${inline.generated}; put it in the connection's auth.externalId (\`s3bridge connections add\` stores one it generates)`);
      const policies = connectionPolicies(connection, { principal: options.principal, workerPrincipal: options.workerPrincipal });
      const sections = SECTIONS.filter((s) => policies[s.key] && (!options.only || options.only === s.option));
      if (options.only && sections.length === 0) throw new UsageError(`--only ${options.only}: not applicable to this connection`);
      if (options.only) {
        // Bare JSON, ready to pipe into `aws iam put-role-policy` and friends, whatever -o says.
        context.emit(policies[sections[0]!.key], (p) => JSON.stringify(p, null, 2));
        return;
      }
      context.emit(policies, () => [
        ...sections.map((s) => `// ${s.title}\n${JSON.stringify(policies[s.key], null, 2)}\n`),
        ...(!options.principal && connection.auth.type !== 'assume-role' ? ['// --principal ARN fills in the bucket policy\'s principal'] : []),
        ...(policies.trustPolicy && !options.workerPrincipal ? ['// --worker-principal ARN fills in who may assume the role'] : []),
        ...(connection.auth.type === 'assume-role' ? [`// external ID: ${connection.auth.externalId}`] : []),
      ].join('\n'));
    }));
};
