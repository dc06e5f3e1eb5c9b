// Rolling back one migration: the one code path behind `npm run db:rollback`, the rollback drill test and the
// rehearsal.
//
// A rollback script (supabase/rollbacks/<version>_<name>_down.sql) holds only its DDL. This module owns the rest:
//   * the ordering check: <version> must be the newest migration applied (supabase_migrations.schema_migrations,
//     the Supabase CLI's history), so rollbacks run newest first;
//   * one transaction (psql --single-transaction, stop on the first error) with a bounded lock wait and statement
//     time, the history row locked first so two rollbacks cannot interleave;
//   * the bookkeeping: the version leaves supabase_migrations.schema_migrations, so `supabase migration up`
//     applies it again.
// The history rollback's own safety stays in its script: it refuses to drop the audit trail unless the session
// sets app.allow_history_drop = 'on' (allowHistoryDrop here, --allow-history-drop on the command line).
// Scripts that still carry the old guard and bookkeeping blocks run unchanged (their check passes and their
// delete is then a no-op).
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { run } from './run.ts';
import { pgBin } from './system.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MIGRATIONS_DIR = path.join(ROOT, 'supabase', 'migrations');
export const ROLLBACKS_DIR = path.join(ROOT, 'supabase', 'rollbacks');

export const DEFAULT_LOCK_TIMEOUT = '3s';
export const DEFAULT_STATEMENT_TIMEOUT = '10min';

export interface Migration {
  version: string;
  /** The file name without `.sql`, e.g. 20261126100200_status_history. */
  name: string;
  file: string;
  /** Its rollback script, or null when supabase/rollbacks/ has none. */
  rollback: string | null;
}

/** Every migration in supabase/migrations/, oldest first, with its rollback script where there is one. */
export function migrations(): Migration[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{14}_.*\.sql$/.test(f))
    .sort()
    .map((f) => {
      const rollback = path.join(ROLLBACKS_DIR, f.replace(/\.sql$/, '_down.sql'));
      return { version: f.slice(0, 14), name: f.replace(/\.sql$/, ''), file: path.join(MIGRATIONS_DIR, f), rollback: existsSync(rollback) ? rollback : null };
    });
}

export class RollbackRefused extends Error {}

export interface RollbackOptions {
  /** Lets the history rollback (20261126100200) drop the audit trail: app.allow_history_drop = 'on'. */
  allowHistoryDrop?: boolean;
  lockTimeout?: string;
  statementTimeout?: string;
}

/** The versions recorded as applied, newest first; refuses where there is no migration history. */
export async function appliedVersions(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: [t] } = await client.query<{ ok: boolean }>(`select to_regclass('supabase_migrations.schema_migrations') is not null as ok`);
    if (!t?.ok) {
      throw new RollbackRefused('this database has no supabase_migrations.schema_migrations: it was not migrated by the Supabase CLI, so nothing says which migration is the newest');
    }
    const { rows } = await client.query<{ version: string }>('select version from supabase_migrations.schema_migrations order by version desc');
    return rows.map((r) => r.version);
  } finally {
    await client.end();
  }
}

/** The ordering check: the migration to roll back, when `version` is the newest applied one; else a refusal saying what to do. */
export async function checkRollback(url: string, version: string): Promise<Migration & { rollback: string }> {
  if (!/^\d{14}$/.test(version)) throw new RollbackRefused(`a migration version is 14 digits, e.g. 20261201150100 (got ${JSON.stringify(version)})`);
  const migration = migrations().find((m) => m.version === version);
  if (!migration) throw new RollbackRefused(`no migration ${version} in supabase/migrations/`);
  if (!migration.rollback) {
    throw new RollbackRefused(`${migration.name} has no rollback script (expected supabase/rollbacks/${migration.name}_down.sql)`);
  }
  const applied = await appliedVersions(url);
  if (!applied.includes(version)) {
    throw new RollbackRefused(`${version} is not applied here (newest applied: ${applied[0] ?? 'none'})`);
  }
  const newer = applied.filter((v) => v > version);
  if (newer.length > 0) {
    throw new RollbackRefused(`roll back the newer migrations first (newest first): ${newer.join(', ')}`);
  }
  return { ...migration, rollback: migration.rollback };
}

/**
 * Rolls back `version`, the newest applied migration: its rollback script and the removal of its history row, in
 * one transaction. Throws RollbackRefused when the ordering check fails, and the script's own error (psql's
 * message) when the script fails; either way nothing changed.
 */
export async function rollbackMigration(url: string, version: string, options: RollbackOptions = {}): Promise<Migration> {
  const migration = await checkRollback(url, version);
  const lockTimeout = options.lockTimeout ?? DEFAULT_LOCK_TIMEOUT;
  const statementTimeout = options.statementTimeout ?? DEFAULT_STATEMENT_TIMEOUT;
  const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const before = [
    `set local lock_timeout = ${literal(lockTimeout)}`,
    `set local statement_timeout = ${literal(statementTimeout)}`,
    ...(options.allowHistoryDrop ? [`set local app.allow_history_drop = 'on'`] : []),
    // Checked again under a lock, inside the transaction: a concurrent deploy or rollback waits or is seen.
    `lock table supabase_migrations.schema_migrations in share row exclusive mode`,
    `do $$ begin
       if (select max(version) from supabase_migrations.schema_migrations) is distinct from ${literal(version)} then
         raise exception 'roll back the newer migrations first (newest first): % is no longer the newest applied migration', ${literal(version)};
       end if;
     end $$`,
  ].join(';\n');
  const after = `delete from supabase_migrations.schema_migrations where version = ${literal(version)}`;
  const result = await run(pgBin('psql'), [
    '--no-psqlrc', '-q', '--single-transaction', '-v', 'ON_ERROR_STOP=1', '-d', url,
    '-c', before, '-f', migration.rollback, '-c', after,
  ], { allowFailure: true, env: { ...process.env, PGOPTIONS: `${process.env.PGOPTIONS ?? ''} --client-min-messages=warning`.trim() } });
  if (result.code !== 0) {
    const message = (result.stderr.trim() || result.stdout.trim()).replace(/^psql:[^:]*:\d+: /gm, '');
    throw new Error(`supabase/rollbacks/${migration.name}_down.sql failed, so nothing changed (one transaction):\n${message}`);
  }
  return migration;
}
