import type { Command } from 'commander';
import { action, integerIn, wholeNumber } from '../action';
import { DEFAULT_QUERY_TIMEOUT_SECONDS, MAX_QUERY_TIMEOUT_SECONDS } from '../../workflow-safe/inputs/warehouse-maintenance-input';
import type { RegisterCommand } from '../command';
import { readTextArg } from '../read-json-arg';
import { formatRows, queryWarehouse } from '../warehouse-query';

export const registerSql: RegisterCommand = (program: Command, context) => {
  program.command('sql')
    .description('run one read-only SELECT against the warehouse, through the worker that owns the DuckDB file')
    .argument('<query>', 'a SELECT statement, or @file.sql, or - (stdin)')
    .option('--limit <n>', 'rows returned at most (up to 10000)', '100')
    .option('--timeout <seconds>', `stop the query after this long (up to ${MAX_QUERY_TIMEOUT_SECONDS})`, String(DEFAULT_QUERY_TIMEOUT_SECONDS))
    .addHelpText('after', '\nExamples:\n  s3bridge sql "SELECT _day, count(*) FROM raw.shop__events GROUP BY ALL ORDER BY 1"\n  s3bridge sql -o json "SELECT * FROM s3bridge.load_ledger" | jq \'.rows[].unit\'')
    .action(action(context, async (query: string, options: { limit: string; timeout: string }) => {
      const sql = readTextArg(query);
      const timeout = integerIn('--timeout', options.timeout, 1, MAX_QUERY_TIMEOUT_SECONDS);
      context.emit(await queryWarehouse(context, sql, wholeNumber('--limit', options.limit, 100), timeout), formatRows);
    }));
};

