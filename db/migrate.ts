/** Schema migrations with postgrator over plain SQL files in db/migrations, on either engine. */
import { fileURLToPath } from 'node:url';
import Postgrator from 'postgrator';
import type { Database } from './database.ts';

const MIGRATIONS = fileURLToPath(new URL('./migrations/*.sql', import.meta.url));
// Several processes (workers, bots) may start together: one migrates, the others wait on this lock.
const MIGRATION_LOCK_ID = 7_311_964;

type Run = (sql: string) => Promise<{ rows: Record<string, unknown>[] }>;

async function runMigrations(run: Run, runScript: (sql: string) => Promise<unknown>) {
  // postgrator finds its table through information_schema filtered by catalog, so it needs the real name.
  const [current] = (await run('SELECT current_database() AS name')).rows;
  const postgrator = new Postgrator({
    migrationPattern: MIGRATIONS,
    driver: 'pg',
    database: String(current?.name),
    schemaTable: 'public.schema_migrations',
    execQuery: run,
    execSqlScript: async (sql) => {
      await runScript(sql);
    },
  });
  return postgrator.migrate();
}

export async function migrate(db: Database): Promise<{ applied: string[] }> {
  const applied =
    db.engine === 'postgres'
      ? // One transaction on one connection: the lock is held to the end and a failed migration leaves nothing.
        // Parameterless queries use the simple protocol, so a script of several statements runs as one.
        await db.transaction(async (tx) => {
          await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
          return runMigrations(
            (sql) => tx.query(sql),
            (sql) => tx.query(sql),
          );
        })
      : // PGlite is one connection in one process: nothing to race with.
        await runMigrations(
          (sql) => db.query(sql),
          (sql) => db.exec(sql),
        );
  return { applied: applied.map((m) => m.name || String(m.version)) };
}
