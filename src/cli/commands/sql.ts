import type { Command } from 'commander';
import { action, wholeNumber } from '../action';
import type { RegisterCommand } from '../command';
import { readTextArg } from '../read-json-arg';
import { formatRows, queryWarehouse } from '../warehouse-query';

export const registerSql: RegisterCommand = (program: Command, context) => {
  program.command('sql')
    .description('run one read-only SELECT against the warehouse, through the worker that owns the DuckDB file')
    .argument('<query>', 'a SELECT statement, or @file.sql, or - (stdin)')
    .option('--limit <n>', 'rows returned at most (up to 10000)', '100')
    .addHelpText('after', '\nExamples:\n  s3bridge sql "SELECT _day, count(*) FROM raw.shop__events GROUP BY ALL ORDER BY 1"\n  s3bridge sql -o json "SELECT * FROM s3bridge.load_ledger" | jq \'.rows[].unit\'')
    .action(action(context, async (query: string, options: { limit: string }) => {
      const sql = readTextArg(query);
      context.emit(await queryWarehouse(context, sql, wholeNumber('--limit', options.limit, 100)), formatRows);
    }));
};

