import type { DuckDBConnection } from '@duckdb/node-api';
import type { ResetTableResult } from '../workflow-safe/inputs/warehouse-maintenance-input';
import { queryRows } from '../duckdb/query-rows';
import { qualifiedName } from '../duckdb/sql';
import { ensureBookkeepingTables } from './bookkeeping-tables';
import { inTransaction } from '../duckdb/in-transaction';
import { dropLineageView, fromFilesSql } from './source-files';

/**
 * Forgets a table's imports in one transaction: its rows in every target the ledger names (a
 * raw table is dropped, canonical tables lose the table's rows), its ledger, rejects and
 * accepted schema. The discovered table stays, so the next import loads every day again.
 */
export async function resetTable(db: DuckDBConnection, connection: string, table: string): Promise<ResetTableResult> {
  await ensureBookkeepingTables(db);
  return inTransaction(db, async () => {
    const key = { connection, table };
    const filter = 'connection = $connection AND table_name = $table';
    const targets = (await queryRows<{ target: string }>(db, `SELECT target FROM s3bridge.load_ledger WHERE ${filter} UNION SELECT target FROM s3bridge.source_files WHERE ${filter} ORDER BY target`, key))
      .map((r) => r.target);
    let rowsDeleted = 0;
    for (const target of targets) {
      const dot = target.indexOf('.');
      const [schema, name] = [target.slice(0, dot), target.slice(dot + 1)];
      const exists = await queryRows(db, 'SELECT 1 FROM information_schema.tables WHERE table_schema = $schema AND table_name = $name', { schema, name });
      if (exists.length === 0) continue;
      const rows = { ...key, target };
      const [count] = await queryRows<{ n: bigint }>(db,
        `SELECT count(*) AS n FROM ${qualifiedName(schema, name)} t WHERE ${fromFilesSql('t', { day: false })}`, rows);
      rowsDeleted += Number(count?.n ?? 0);
      if (schema === 'raw') {
        await dropLineageView(db, name);
        await db.run(`DROP TABLE ${qualifiedName(schema, name)}`);
      } else {
        await db.run(`DELETE FROM ${qualifiedName(schema, name)} t WHERE ${fromFilesSql('t', { day: false })}`, rows);
      }
    }
    const [ledger] = await queryRows<{ n: bigint }>(db, `SELECT count(*) AS n FROM s3bridge.load_ledger WHERE ${filter}`, key);
    const [rejects] = await queryRows<{ n: bigint }>(db, `SELECT count(*) AS n FROM s3bridge.rejects WHERE ${filter}`, key);
    await db.run(`DELETE FROM s3bridge.load_ledger WHERE ${filter}`, key);
    await db.run(`DELETE FROM s3bridge.source_files WHERE ${filter}`, key);
    await db.run(`DELETE FROM s3bridge.rejects WHERE ${filter}`, key);
    await db.run(`DELETE FROM s3bridge.accepted_schemas WHERE ${filter}`, key);
    return { connection, table, ledgerEntries: Number(ledger?.n ?? 0), rowsDeleted, rejectsDeleted: Number(rejects?.n ?? 0), targets };
  });
}
