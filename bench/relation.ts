// (8) Keeping the responsibility relation current, on the large organisation (after (7)'s rounds): single
// membership changes in the big chapter (1,000 mentors), each its own durable transaction, <= 50 ms each; and
// a 10k-row membership import in one statement vs the same import with the maintenance triggers disabled.
import pg from 'pg';
import type { Config } from './config.ts';
import { hasRelation } from './setup.ts';
import { absolute, compare, inTransaction, log, q, rotate, side, timed, withClient, type Measured, type Row } from './util.ts';

const BIG = `bench.uuid_of('big-chapter', 1)`;
const COORD1 = `bench.uuid_of('big-coordinator', 1)`;
const COORD2 = `bench.uuid_of('big-coordinator', 2)`;
const MENTOR = `bench.uuid_of('mentor-user', 1)`;

/** The timed statements, in the order they run every repetition; `undo` (untimed) puts the state back. */
const STEPS = [
  { key: 'coordinator_added', title: 'a coordinator membership added in a chapter of 1,000 mentors (which has one)',
    sql: `insert into public.chapter_memberships (chapter_id, user_id, role) values (${BIG}, ${COORD2}, 'coordinator')` },
  { key: 'coordinator_ended', title: 'that coordinator membership ended (is_active = false)',
    sql: `update public.chapter_memberships set is_active = false where chapter_id = ${BIG} and user_id = ${COORD2} and role = 'coordinator'`,
    undo: `delete from public.chapter_memberships where chapter_id = ${BIG} and user_id = ${COORD2} and role = 'coordinator'` },
  { key: 'peer_mentor_added', title: 'a peer_mentor membership added',
    sql: `insert into public.chapter_memberships (chapter_id, user_id, role) values (${BIG}, ${MENTOR}, 'peer_mentor')` },
  { key: 'peer_mentor_ended', title: 'a peer_mentor membership ended',
    sql: `update public.chapter_memberships set is_active = false where chapter_id = ${BIG} and user_id = ${MENTOR} and role = 'peer_mentor'`,
    undo: `delete from public.chapter_memberships where chapter_id = ${BIG} and user_id = ${MENTOR} and role = 'peer_mentor'` },
  { key: 'last_coordinator_left', title: "the chapter's last coordinator leaves (its 1,000 mentors switch to the fallback)",
    sql: `update public.chapter_memberships set is_active = false where chapter_id = ${BIG} and user_id = ${COORD1} and role = 'coordinator'`,
    check: 'more' as const },
  { key: 'first_coordinator_back', title: 'a coordinator comes back to that chapter (its mentors leave the fallback)',
    sql: `update public.chapter_memberships set is_active = true where chapter_id = ${BIG} and user_id = ${COORD1} and role = 'coordinator'`,
    check: 'same' as const },
];

/** How many of the big chapter's mentors are looked after through the organisation fallback. */
async function fallbackMembers(c: pg.ClientBase): Promise<number> {
  const { rows } = await q(c, `
    select count(distinct pm.id)::int as n
      from public.chapter_memberships m
      join public.peer_mentors pm on pm.user_id = m.user_id
      join private.mentor_scopes s on s.mentor_id = pm.id and s.via = 'organisation'
     where m.chapter_id = ${BIG} and m.role = 'peer_mentor' and m.is_active`);
  return Number(rows[0]!.n);
}

const IMPORT = (rows: number) => `
  insert into public.chapter_memberships (chapter_id, user_id, role)
  select bench.uuid_of('import-chapter', (n - 1) % 10 + 1), bench.uuid_of('mentor-user', n), 'peer_mentor'
    from generate_series(1, ${rows}) n`;

export async function benchRelation(url: string, cfg: Config): Promise<Measured> {
  log(`(8) keeping the relation: single membership changes (${cfg.BENCH_RELATION_REPEATS} repetitions), a ${cfg.BENCH_IMPORT_ROWS}-row import`);
  return withClient(url, async (c) => {
    const relation = await hasRelation(c);
    const samples: Record<string, number[]> = Object.fromEntries(STEPS.map((s) => [s.key, []]));
    const fallbackBefore = relation ? await fallbackMembers(c) : 0;
    for (let rep = 0; rep < cfg.BENCH_RELATION_REPEATS; rep++) {
      for (const step of STEPS) {
        samples[step.key]!.push(await timed(() => q(c, step.sql)));
        if (relation && rep === 0 && 'check' in step) {
          // The change really moved the relation: the chapter's mentors went to the fallback, and came back.
          const now = await fallbackMembers(c);
          if (step.check === 'more' ? now <= fallbackBefore : now !== fallbackBefore) {
            throw new Error(`(8) after "${step.title}": ${now} of the chapter's mentors on the fallback, ${fallbackBefore} before`);
          }
        }
        if ('undo' in step && step.undo) await q(c, step.undo);
      }
    }
    log(`  single changes (medians): ${STEPS.map((s) => `${s.key} ${side('', 'ms', samples[s.key]!).median.toFixed(1)} ms`).join(', ')}`);

    // The import, rolled back each time; the baseline disables the maintenance inside its own transaction.
    const imports: Record<'ours' | 'off', number[]> = { ours: [], off: [] };
    let inserted = 0;
    for (let rep = 0; rep < cfg.BENCH_RELATION_REPEATS; rep++) {
      for (const variant of rotate(['ours', 'off'] as const, rep)) {
        await q(c, 'begin');
        try {
          if (variant === 'off') await q(c, 'alter table public.chapter_memberships disable trigger user');
          imports[variant].push(await timed(async () => { inserted = (await q(c, IMPORT(cfg.BENCH_IMPORT_ROWS))).rowCount ?? 0; }));
        } finally {
          await q(c, 'rollback');
        }
        if (inserted !== cfg.BENCH_IMPORT_ROWS) throw new Error(`(8) the import inserted ${inserted} rows`);
      }
    }
    log(`  import of ${cfg.BENCH_IMPORT_ROWS}: ${side('', 'ms', imports.ours).median.toFixed(0)} ms with the maintenance, ` +
      `${side('', 'ms', imports.off).median.toFixed(0)} ms without`);
    const differences = relation
      ? Number((await inTransaction(c, () => q(c, 'select count(*) as n from private.responsibility_differences()'))).rows[0]!.n)
      : null;
    if (differences) throw new Error(`(8) the relation differs from its definition in ${differences} pairs after the changes`);

    const members = Number((await q(c, `select count(*) as n from public.chapter_memberships
                                          where chapter_id = ${BIG} and role = 'peer_mentor' and is_active`)).rows[0]!.n);
    const rows: Row[] = STEPS.map((s) => absolute('large organisation', `relation_${s.key}`, `(8) ${s.title.replace('1,000', members.toLocaleString('en'))}`,
      side('statement + durable commit', 'ms', samples[s.key]!), { op: '<=', value: 50 }));
    rows.push(compare('large organisation', 'relation_import', `(8) a ${cfg.BENCH_IMPORT_ROWS.toLocaleString('en')}-row membership import in one statement`,
      side('with the maintenance', 'ms', imports.ours), side('maintenance triggers disabled', 'ms', imports.off),
      'import time / import time without the maintenance (lower is better; rolled back, no commit on either side)', { op: '<=', value: 1.5 }));
    return { rows, details: { relation: { relationPresent: relation, samples, imports, differencesAfter: differences } } };
  });
}
