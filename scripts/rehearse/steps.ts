// The steps of a deploy: each migration file as the Supabase CLI applies it, each rollback as its header says,
// and the schema (the catalog snapshot) before and after. A step's start, end and error are recorded as a Phase.
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { run } from '../lib/run.ts';
import { catalogSnapshot, snapshotDiff } from '../lib/schema-snapshot.ts';
import { withSslModeDisable } from '../lib/url.ts';
import { pgBin } from '../lib/system.ts';
import { MIGRATIONS_DIR, ROLLBACKS_DIR, SUPABASE_CLI } from './config.ts';

export interface Migration {
  version: string;
  name: string;
  file: string;
  /** Its rollback script, or null when supabase/rollbacks/ has none. */
  rollback: string | null;
}

export function migrations(): Migration[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => {
      const rollback = path.join(ROLLBACKS_DIR, f.replace(/\.sql$/, '_down.sql'));
      return { version: f.slice(0, 14), name: f.replace(/\.sql$/, ''), file: path.join(MIGRATIONS_DIR, f), rollback: existsSync(rollback) ? rollback : null };
    });
}

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

export async function runRollback(url: string, file: string): Promise<void> {
  // The history rollback refuses without this opt-in; a rehearsal means it.
  await run(pgBin('psql'), ['--no-psqlrc', '-q', '--single-transaction', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', file], {
    env: { ...process.env, PGOPTIONS: '--client-min-messages=warning -c app.allow_history_drop=on' },
  });
}

/** The schema as the catalog snapshot sees it (scripts/lib/schema-snapshot.ts). */
export const schemaDump = (url: string): Promise<string[]> => catalogSnapshot(url);

/** The lines only one snapshot has ('-' before, '+' after). */
export function schemaDiff(before: string[], after: string[]): string[] {
  const d = snapshotDiff(before, after);
  return [...d.onlyExpected.map((l) => `- ${l}`), ...d.onlyActual.map((l) => `+ ${l}`)];
}
