// The steps of a deploy: each migration file as the Supabase CLI applies it, each rollback as its header says,
// and the schema as pg_dump sees it before and after. A step's start, end and error are recorded as a Phase.
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { run } from '../lib/run.ts';
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

function withSslModeDisable(url: string): string {
  const u = new URL(url);
  if (!u.searchParams.has('sslmode')) u.searchParams.set('sslmode', 'disable');
  return u.toString();
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

export async function schemaDump(url: string): Promise<string> {
  const { stdout } = await run(pgBin('pg_dump'), ['--schema-only', '--restrict-key=rehearsal', '-d', url]);
  return stdout;
}

/** The lines only one dump has ('-' before, '+' after); a reordering alone is reported as such. */
export function schemaDiff(before: string, after: string): string[] {
  const count = (text: string) => {
    const m = new Map<string, number>();
    for (const line of text.split('\n')) if (line.trim() !== '' && !line.startsWith('--')) m.set(line, (m.get(line) ?? 0) + 1);
    return m;
  };
  const b = count(before);
  const a = count(after);
  const onlyIn = (x: Map<string, number>, y: Map<string, number>, sign: string) =>
    [...x].filter(([line, n]) => n > (y.get(line) ?? 0)).map(([line]) => `${sign} ${line}`);
  const diff = [...onlyIn(b, a, '-'), ...onlyIn(a, b, '+')];
  return diff.length > 0 || before === after ? diff : ['(same lines, different order)'];
}
