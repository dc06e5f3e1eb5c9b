// The steps of a deploy: each migration file as the Supabase CLI applies it, each rollback as `npm run db:rollback` runs it,
// and the schema (the catalog snapshot) before and after. A step's start, end and error are recorded as a Phase.
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { run } from '../scripts/lib/run.ts';
import { catalogSnapshot, snapshotDiff } from '../scripts/lib/schema-snapshot.ts';
import { withSslModeDisable } from '../scripts/lib/url.ts';
import { type Migration, rollbackMigration } from '../scripts/lib/rollback.ts';
import { SUPABASE_CLI } from './config.ts';

export { migrations, type Migration } from '../scripts/lib/rollback.ts';

export type Kind = 'migrate' | 'rollback' | 'reapply' | 'idle';
export interface Phase {
  kind: Kind;
  name: string;
  start: number;
  end: number;
  /** The step's own error (e.g. it was chosen as a deadlock victim); the step is then retried once. */
  error?: string;
  /** The full message of that error (the deadlock's DETAIL names the processes and locks). */
  errorDetail?: string;
  /** The lock-order drill's write during this step: 'ok', or its error. */
  drill?: string;
}

/** Every step run so far, in order: the report's rows. */
export const phases: Phase[] = [];

export async function step(kind: Kind, name: string, fn: () => Promise<unknown>): Promise<Phase> {
  const phase: Phase = { kind, name, start: performance.now(), end: Number.NaN };
  phases.push(phase);
  try {
    await fn();
  } catch (err) {
    // The CLI's and psql's own "ERROR: ..." line, else the first line of the message.
    const message = err instanceof Error ? err.message : String(err);
    phase.error = (message.split('\n').find((l) => /\bERROR:/.test(l)) ?? message.split('\n')[0] ?? message).trim();
    phase.errorDetail = message.split('\n').slice(1, 12).join('\n');
  } finally {
    phase.end = performance.now();
  }
  return phase;
}

/**
 * `supabase migration up` on a working directory holding the migrations up to `upTo`, so exactly the next
 * pending one is applied, in the CLI's own transaction, as a deploy would.
 */
export async function cliMigrateUpTo(url: string, all: Migration[], upTo: string, workdir: string): Promise<void> {
  const dir = path.join(workdir, 'supabase', 'migrations');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const m of all.filter((x) => x.version <= upTo)) symlinkSync(m.file, path.join(dir, path.basename(m.file)));
  await run(SUPABASE_CLI, ['migration', 'up', '--include-all', '--workdir', workdir, '--db-url', withSslModeDisable(url)], {
    cwd: workdir,
    env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  });
}

/** A rollback as `npm run db:rollback` runs it (scripts/lib/rollback.ts); a rehearsal means to drop the history. */
export async function runRollback(url: string, version: string): Promise<void> {
  await rollbackMigration(url, version, { allowHistoryDrop: true });
}

/** The schema as the catalog snapshot sees it (scripts/lib/schema-snapshot.ts). */
export const schemaSnapshot = (url: string): Promise<string[]> => catalogSnapshot(url);

/** The lines only one snapshot has ('-' before, '+' after). */
export function schemaDiff(before: string[], after: string[]): string[] {
  const d = snapshotDiff(before, after);
  return [...d.onlyExpected.map((l) => `- ${l}`), ...d.onlyActual.map((l) => `+ ${l}`)];
}
