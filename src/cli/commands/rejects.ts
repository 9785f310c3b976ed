import type { Command } from 'commander';
import { quoteLiteral } from '../../duckdb/sql';
import { action, wholeNumber } from '../action';
import { UsageError, type RegisterCommand } from '../command';
import { formatRows, queryWarehouse } from '../warehouse-query';

export const registerRejects: RegisterCommand = (program: Command, context) => {
  program.command('rejects')
    .description('the rejected rows of a table (errorPolicy skip-to-rejects): key, row, column, reason and raw values')
    .argument('<connection>', 'a stored connection')
    .argument('<table>', 'a discovered table')
    .option('--day <day>', 'only this day (YYYY-MM-DD)')
    .option('--limit <n>', 'rows returned at most (up to 10000)', '100')
    .action(action(context, async (connection: string, table: string, options: { day?: string; limit: string }) => {
      if (options.day && !/^\d{4}-\d{2}-\d{2}$/.test(options.day)) throw new UsageError(`--day ${options.day}: expected YYYY-MM-DD`);
      const sql = `SELECT unit, source_key, row_number, column_name, reason, raw, load_id, rejected_at
        FROM s3bridge.rejects WHERE connection = ${quoteLiteral(connection)} AND table_name = ${quoteLiteral(table)}
        ${options.day ? `AND unit = ${quoteLiteral(options.day)}` : ''} ORDER BY unit, source_key, row_number`;
      context.emit(await queryWarehouse(context, sql, wholeNumber('--limit', options.limit, 100)), formatRows);
    }));
};
