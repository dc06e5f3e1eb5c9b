// npm run verify -- <digest file>: verifies the status history against digests kept outside the database.
//
// For every distinct digest in the file (oldest first), then once without one (every row's proof and chain, and
// the newest digest the database itself holds):
//   select mentor_id, history_id, problem from public.verify_status_history($digest)
// Every reported row is printed on stdout, tab-separated: the check, the mentor, the history id, the problem
// (`-` where there is none), each distinct problem once. Progress goes to stderr: per check, the rows it covers,
// a line every few seconds while it runs, and its time. The file: one JSON digest per line, as
// `npm run publish-digests -- --file` appends them (a line may also be a published envelope {"digest": …}), or
// one JSON array of digests; repeated digests (at-least-once delivery) count once, and one digest id with two
// different contents is itself reported.
//
// Database: DATABASE_URL, else the local database of `npm start` when it runs (never a throwaway: there would be
// nothing to verify). Connect as the owner (postgres) or a member of service_role: the only callers of
// verify_status_history.
//
// Exit status: 0 intact (nothing reported); 1 something was reported; 2 usage, or a file that is not a digest
// file; 3 the verification could not run (connection, permission, SQL error).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { z } from 'zod';
import { parseDigestFile, DigestFileError, type Digest } from '../dispatcher/digests.ts';
import { displayUrl, existingDatabase } from './lib/existing-database.ts';
import { errorText } from '../dispatcher/outbox-worker.ts';

export const USAGE = 'Usage: npm run verify -- <digest file | -> [--newest] [--quiet]   (database: DATABASE_URL, else the running local database of npm start)';

const HELP = `${USAGE}

Runs public.verify_status_history(digest) for every digest in the file, and once with null (every row's proof and
chain, and the newest digest in the database). Prints each reported problem on stdout as
  <check>\\t<mentor id or ->\\t<history id or ->\\t<problem>
and progress on stderr (--quiet: only the summary).
  --newest  one full pass, against the newest digest of the file, instead of one per digest: each older digest is
            then checked against the table's copy (same root), which the newest digest's root commits to (the
            digests are a hash chain); one that differs or is missing is verified on its own, so it is reported.
Exit status: 0 intact, 1 something reported, 2 usage or a file that is not a digest file, 3 could not verify.`;

/** One reported row. */
export interface Problem {
  mentor_id: string | null;
  history_id: number | null;
  problem: string;
}

export interface CheckResult {
  /** 'digest 12' or 'database'. */
  check: string;
  problems: Problem[];
  ms: number;
}

const VERIFY_SQL = 'select mentor_id, history_id::text as history_id, problem from public.verify_status_history($1::jsonb)';

/** Runs one check; `tick` is called every tickMs while it runs (progress on a large history). */
export async function runCheck(client: pg.ClientBase, digest: Digest | null, tick?: (elapsedMs: number) => void, tickMs = 5000): Promise<CheckResult> {
  const check = digest ? `digest ${digest.digest_id}` : 'database';
  const t0 = performance.now();
  const timer = tick ? setInterval(() => tick(performance.now() - t0), tickMs) : undefined;
  try {
    const { rows } = await client.query<{ mentor_id: string | null; history_id: string | null; problem: string }>(
      VERIFY_SQL, [digest === null ? null : JSON.stringify(digest)],
    ).catch((err: unknown) => {
      throw new Error(`${VERIFY_SQL} for ${check} failed: ${errorText(err)}`);
    });
    return {
      check,
      problems: rows.map((r) => ({ mentor_id: r.mentor_id, history_id: r.history_id === null ? null : Number(r.history_id), problem: r.problem })),
      ms: performance.now() - t0,
    };
  } finally {
    if (timer) clearInterval(timer);
  }
}

export function problemLine(check: string, p: Problem): string {
  return [check, p.mentor_id ?? '-', p.history_id === null ? '-' : String(p.history_id), p.problem.replace(/[\t\n]/g, ' ')].join('\t');
}

const rate = (rows: number, ms: number) => (ms > 0 ? `${Math.round((rows / ms) * 1000).toLocaleString('en')} rows/s` : '');

// -------------------------------------------------------------------------------------------------------------
// Command line
// -------------------------------------------------------------------------------------------------------------
class UsageError extends Error {}

const argsSchema = z.object({
  file: z.string({ error: 'a digest file is required' }).min(1, 'a digest file is required'),
  quiet: z.boolean().default(false),
  newest: z.boolean().default(false),
  help: z.boolean().default(false),
});

function parseCommandLine(argv: string[]): z.infer<typeof argsSchema> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, strict: true, allowPositionals: true, options: { quiet: { type: 'boolean', short: 'q' }, newest: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    throw new UsageError(errorText(err));
  }
  if (parsed.values.help) return { file: '-', quiet: false, newest: false, help: true };
  if (parsed.positionals.length > 1) throw new UsageError(`one digest file expected, got ${parsed.positionals.length}: ${parsed.positionals.join(' ')}`);
  const args = argsSchema.safeParse({ ...parsed.values, file: parsed.positionals[0] });
  if (!args.success) throw new UsageError(args.error.issues.map((i) => i.message).join('; '));
  return args.data;
}

async function main(): Promise<number> {
  let args: z.infer<typeof argsSchema>;
  try {
    args = parseCommandLine(process.argv.slice(2));
  } catch (err) {
    console.error(`verify: ${errorText(err)}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  const say = (line: string) => {
    if (!args.quiet) console.error(`verify: ${line}`);
  };

  let file;
  try {
    const name = args.file === '-' ? '<stdin>' : args.file;
    file = parseDigestFile(readFileSync(args.file === '-' ? 0 : args.file, 'utf8'), name);
  } catch (err) {
    console.error(`verify: ${err instanceof DigestFileError ? err.message : `cannot read ${args.file}: ${errorText(err)}`}`);
    return 2;
  }
  if (file.digests.length === 0) {
    console.error(`verify: ${args.file} holds no digest: nothing kept outside the database to verify against`);
    return 2;
  }

  let database;
  try {
    database = existingDatabase();
  } catch (err) {
    console.error(`verify: ${errorText(err)}\n${USAGE}`);
    return 2;
  }

  const client = new pg.Client({ connectionString: database.url, application_name: 'verify-status-history' });
  try {
    await client.connect();
    // A check reads the whole history: no statement timeout (Supabase's roles may carry one).
    await client.query('set statement_timeout = 0');
  } catch (err) {
    console.error(`verify: cannot connect to ${displayUrl(database.url)} (${database.source}): ${errorText(err)}`);
    await client.end().catch(() => {});
    return 3;
  }
  client.on('notice', (n) => say(`  ${n.message}`));
  try {
    const historyRows = Number((await client.query<{ n: string }>('select count(*) as n from public.peer_mentor_status_history')).rows[0]!.n);
    say(`${displayUrl(database.url)} (${database.source}): ${historyRows.toLocaleString('en')} history rows; ` +
      `${file.digests.length} digest(s) from ${args.file}${file.duplicates > 0 ? ` (${file.duplicates} repeated entries counted once)` : ''}`);

    const printed = new Set<string>();
    let reported = 0;
    const report = (check: string, p: Problem) => {
      reported += 1;
      const key = `${p.mentor_id}|${p.history_id}|${p.problem}`;
      if (printed.has(key)) return;
      printed.add(key);
      console.log(problemLine(check, p));
    };
    for (const c of file.conflicts) {
      report('file', { mentor_id: null, history_id: null, problem: `digest ${c.digestId} appears with different contents at ${c.where.join(', ')}` });
    }

    let checks: (Digest | null)[] = [...file.digests, null];
    if (args.newest && file.digests.length > 1) {
      // The older digests against the table's copies; only those that differ (or are gone) get a pass of their own.
      const older = file.digests.slice(0, -1);
      const { rows } = await client.query<{ id: string; root: string | null }>(
        `select d.id::text, d.digest ->> 'root' as root from public.status_history_digests d where d.id = any($1::bigint[])`,
        [older.map((d) => d.digest_id)]);
      const inTable = new Map(rows.map((r) => [Number(r.id), r.root]));
      const differing = older.filter((d) => inTable.get(d.digest_id) !== d.root);
      say(`--newest: ${older.length - differing.length} older digest(s) match the table's copies (covered by the newest's root chain); ` +
        `${differing.length} differ or are missing and are verified on their own`);
      checks = [...differing, file.digests.at(-1)!, null];
    }
    let totalMs = 0;
    for (const [i, digest] of checks.entries()) {
      const label = digest
        ? `digest ${digest.digest_id}${digest.taken_at ? ` taken ${digest.taken_at}` : ''}${digest.rows !== undefined ? `, ${digest.rows.toLocaleString('en')} rows then` : ''}`
        : 'every row\'s proof and chain, and the newest digest in the database';
      say(`[${i + 1}/${checks.length}] ${label} …`);
      const result = await runCheck(client, digest, (ms) => say(`[${i + 1}/${checks.length}]   still checking: ${(ms / 1000).toFixed(0)} s`));
      totalMs += result.ms;
      say(`[${i + 1}/${checks.length}]   ${result.problems.length === 0 ? 'intact' : `${result.problems.length} problem(s)`}: ` +
        `${historyRows.toLocaleString('en')} rows checked in ${(result.ms / 1000).toFixed(1)} s (${rate(historyRows, result.ms)})`);
      for (const p of result.problems) report(result.check, p);
    }
    const summary = reported === 0
      ? `intact: ${historyRows.toLocaleString('en')} history rows verified against ${file.digests.length} digest(s) and the database's own in ${(totalMs / 1000).toFixed(1)} s`
      : `${printed.size} distinct problem(s) reported (${reported} report(s) over ${checks.length} check(s)): the history was changed outside the database's own writes`;
    console.error(`verify: ${summary}`);
    return reported === 0 ? 0 : 1;
  } catch (err) {
    console.error(`verify: could not verify: ${errorText(err)}`);
    return 3;
  } finally {
    await client.end();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`verify: ${errorText(err)}`);
      process.exit(3);
    },
  );
}
