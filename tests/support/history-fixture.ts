// A database with a history worth verifying: the demo seed, then changes by each kind of caller, a job run, an
// erasure and a deleted user (its changed_by set null by the foreign key) and a deleted job run (job_run_id set
// null), then a digest. For the tamper-evidence command and restore tests.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { applySeed } from '../../scripts/lib/database.ts';
import { asUser } from './database.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const CORA = 'c0000000-0000-4000-8000-000000000001'; // coordinator of Mia (Oslo); deleted here
export const MIA_USER = 'd0000000-0000-4000-8000-000000000001';
export const MIA = 'e0000000-0000-4000-8000-000000000001';
export const MAX = 'e0000000-0000-4000-8000-000000000002';
export const TIIA = 'e0000000-0000-4000-8000-000000000005'; // certification lapsed: the job pauses her
export const RITA = 'e0000000-0000-4000-8000-000000000004';
export const NILS = 'e0000000-0000-4000-8000-000000000008'; // erased here

export type Digest = Record<string, unknown> & { digest_id: number; root: string };

export async function withOwner<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function takeDigest(url: string): Promise<Digest> {
  return withOwner(url, async (c) => (await c.query<{ d: Digest }>('select public.status_history_digest() as d')).rows[0]!.d);
}

/** The seed and the changes; returns the digest taken at the end. */
export async function populate(url: string): Promise<Digest> {
  await applySeed(url);
  await withOwner(url, async (c) => {
    // A coordinator pauses its mentor; the mentor resumes itself; the service role sets another inactive.
    await asUser(c, CORA, () => c.query(`update public.peer_mentors set status = 'paused', status_reason = 'holiday' where id = $1`, [MIA]));
    await asUser(c, MIA_USER, () => c.query(`update public.peer_mentors set status = 'active', status_reason = null where id = $1`, [MIA]));
    await asUser(c, null, () => c.query(`update public.peer_mentors set status = 'inactive', status_reason = 'moved away' where id = $1`, [MAX]));
    // The nightly job (as the owner, like pg_cron): pauses Tiia under a job run, which is then deleted.
    const job = (await c.query<{ id: string }>('select public.run_certification_expiry_job() as id')).rows[0]!.id;
    const paused = await c.query(`select 1 from public.peer_mentor_status_history where mentor_id = $1 and job_run_id = $2`, [TIIA, job]);
    if (paused.rowCount !== 1) throw new Error('fixture: the job did not pause Tiia');
    await c.query('delete from public.job_runs where id = $1', [job]);
    // An erasure, and a user deleted (Cora: her changed_by on Mia's pause is set null by the foreign key).
    await c.query('delete from public.peer_mentors where id = $1', [NILS]);
    await c.query('delete from auth.users where id = $1', [CORA]);
    const cleared = await c.query(`select 1 from public.peer_mentor_status_history where mentor_id = $1 and reason = 'holiday' and changed_by is null`, [MIA]);
    if (cleared.rowCount !== 1) throw new Error('fixture: Cora\'s changed_by was not set null');
  });
  return takeDigest(url);
}

/** One more change after a digest (the history extends it). */
export async function changeAfterDigest(url: string): Promise<void> {
  await withOwner(url, (c) => asUser(c, null, () => c.query(`update public.peer_mentors set status = 'paused', status_reason = 'parental leave' where id = $1`, [RITA])));
}

/**
 * Runs `sql` as the owner with the history's user triggers disabled (what the issue measured: nothing stops the
 * owner), then puts every trigger back in the state it had (ENABLE ALWAYS included).
 */
export async function tamperAsOwner(url: string, sql: string, values: unknown[] = []): Promise<number> {
  return withOwner(url, async (c) => {
    const { rows: states } = await c.query<{ tgname: string; tgenabled: string }>(
      `select tgname, tgenabled from pg_catalog.pg_trigger where tgrelid = 'public.peer_mentor_status_history'::regclass and not tgisinternal`);
    await c.query('alter table public.peer_mentor_status_history disable trigger user');
    try {
      return (await c.query(sql, values)).rowCount ?? 0;
    } finally {
      for (const t of states) {
        const how = { O: 'enable', A: 'enable always', R: 'enable replica', D: 'disable' }[t.tgenabled] ?? 'enable';
        await c.query(`alter table public.peer_mentor_status_history ${how} trigger ${pg.escapeIdentifier(t.tgname)}`);
      }
    }
  });
}

/** How many rows verify_status_history(digest) reports (null: against the newest digest in the table). */
export async function problems(url: string, digest: Digest | null = null): Promise<{ mentor_id: string | null; history_id: string | null; problem: string }[]> {
  return withOwner(url, async (c) =>
    (await c.query('select mentor_id, history_id::text, problem from public.verify_status_history($1::jsonb)', [digest === null ? null : JSON.stringify(digest)])).rows);
}

/** The file an npm script runs (package.json: `"<name>": "tsx <file>.ts"`). */
export function scriptFile(name: string): string {
  const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const file = /^tsx (\S+\.ts)$/.exec(scripts[name] ?? '')?.[1];
  if (!file) throw new Error(`package.json has no script "${name}" of the form "tsx <file>.ts" (got ${JSON.stringify(scripts[name])})`);
  return path.join(ROOT, file);
}

/** Runs an npm script (by its name in package.json) as a child process, like `npm run <name> -- <args>`. */
export function runScript(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', scriptFile(name), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
