// npm run rehearse: a deploy rehearsal on production-sized data. Prints a table and writes rehearse/report.json
// (and rehearse/report.md, the same as a Markdown table). The phases, one module each under rehearse/:
//   setup.ts     a scratch database (DATABASE_URL's server, or a throwaway cluster) at the BASELINE
//                migration, applied by the Supabase CLI, loaded with rehearse/seed.sql (REHEARSE_MENTORS);
//   workload.ts  a reader (`select *` by id) and a writer (sign-ups naming only baseline columns, updates of a
//                baseline column), each on its own connection, running until the end;
//   monitor.ts   pg_locks sampled every REHEARSE_SAMPLE_MS: peer_mentors' locks, the steps' transactions and
//                every lock the reader and writer wait for;
//   steps.ts     every later migration as a deploy applies it (`supabase migration up`, one transaction per
//                file), every rollback newest first (as npm run db:rollback runs it), every migration again; and
//                the schema (scripts/lib/schema-snapshot.ts) before the rollbacks and after the re-apply;
//   drill.ts     during every step, a transaction writing in the app's lock order (a user, then its mentor);
//   report.ts    per step: ACCESS EXCLUSIVE on peer_mentors held/waited, the writer's longest lock wait,
//                errors, the drill's outcome; the targets.
// A step that fails (e.g. as a deadlock victim) is retried once, as a deploy would be, and counts as a miss.
// Exit 1 when a target is missed: ACCESS EXCLUSIVE on peer_mentors held or waited for > 1 s, the writer kept
// waiting for a lock > 1 s, any reader/writer/drill error, a step that failed, a migration without a rollback
// script, or a schema difference after rollback + re-apply.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { acquireTarget, ROOT, withClient } from '../scripts/lib/database.ts';
import { BASELINE, parseConfig, REPORT_FILE, SUMMARY_FILE, TARGET_ACCESS_EXCLUSIVE_MS, TARGET_WRITER_WAIT_MS } from './config.ts';
import { LockOrderDrill } from './drill.ts';
import { LockMonitor } from './monitor.ts';
import { markdownTable, meetsTargets, phaseReports, printTable } from './report.ts';
import { createAndLoad, relationOid, sampleMentorIds, scratchFor, serverAdminUrl } from './setup.ts';
import { cliMigrateUpTo, type Kind, migrations, phases, runRollback, schemaDiff, schemaSnapshot, step } from './steps.ts';
import { connect, startReader, startWriter } from './workload.ts';

async function main(): Promise<number> {
  const config = parseConfig();
  const all = migrations();
  if (all[0]?.version !== BASELINE) throw new Error(`the first migration must be the baseline ${BASELINE} (found ${all[0]?.name})`);
  const later = all.slice(1);
  // Rolled back and re-applied: the migrations above the newest one without a rollback script (all, normally).
  const withoutRollback = later.filter((m) => m.rollback === null);
  const drilled = later.filter((m) => m.version > (withoutRollback.at(-1)?.version ?? ''));
  for (const m of withoutRollback) console.log(`MISS: no rollback script for ${m.name} (expected supabase/rollbacks/${m.name}_down.sql)`);

  const target = await acquireTarget('DATABASE_URL', { max_wal_size: '4GB', checkpoint_timeout: '30min' });
  const scratch = scratchFor(target);
  const { url, workdir } = scratch;
  let exitCode = 1;
  const cleanups: Array<() => Promise<void>> = [];
  try {
    console.log(`Rehearsal on ${target.throwaway ? 'a throwaway cluster' : "DATABASE_URL's server"}, database ${scratch.database}`);
    const loaded = await createAndLoad(target, scratch, config, all);

    const ids = await sampleMentorIds(url);
    const pick = () => ids[Math.floor(Math.random() * ids.length)]!;
    const monitor = new LockMonitor(await connect(url, 'rehearsal lock monitor'), await relationOid(url, 'public.peer_mentors'), config.REHEARSE_SAMPLE_MS);
    monitor.start();
    const reader = await startReader(url, pick);
    const writer = await startWriter(url, pick);
    cleanups.push(async () => {
      await Promise.allSettled([reader.stop(), writer.stop(), monitor.stop()]);
    });
    const drill = new LockOrderDrill(await connect(url, 'rehearsal drill'), await connect(url, 'rehearsal probe'));
    cleanups.push(() => drill.close());
    const idle = async (ms: number) => step('idle', 'workload only', () => sleep(ms));
    const deploy = async (kind: Kind, name: string, fn: () => Promise<unknown>) => {
      process.stdout.write(`  ${kind.padEnd(8)} ${name} … `);
      const phase = await drill.during(kind, name, fn);
      console.log(`${Math.round(phase.end - phase.start)} ms${phase.error ? ` FAILED: ${phase.error}` : ''}` +
        `${phase.drill !== 'ok' ? ` (drill write failed: ${phase.drill})` : ''}`);
      if (phase.error) {
        if (phase.errorDetail) console.log(`    ${phase.errorDetail.split('\n').join('\n    ')}`);
        process.stdout.write(`  ${kind.padEnd(8)} ${name} (retry) … `);
        const retry = await step(kind, `${name} (retry)`, fn);
        console.log(`${Math.round(retry.end - retry.start)} ms`);
        if (retry.error) throw new Error(`${kind} ${name} failed twice: ${retry.error}`);
      }
      await idle(300);
    };

    console.log('Migrations (supabase migration up, one file at a time), reader, writer and lock-order drill running:');
    await idle(1000);
    for (const m of later) await deploy('migrate', m.name, () => cliMigrateUpTo(url, all, m.version, workdir));
    const before = await schemaSnapshot(url);
    console.log('Rollbacks, newest first (npm run db:rollback\'s code path: scripts/lib/rollback.ts):');
    for (const m of [...drilled].reverse()) await deploy('rollback', `${m.name}_down`, () => runRollback(url, m.version));
    console.log('Migrations again:');
    for (const m of drilled) await deploy('reapply', m.name, () => cliMigrateUpTo(url, all, m.version, workdir));
    const after = await schemaSnapshot(url);
    await idle(500);
    while (cleanups.length > 0) await cleanups.pop()!();

    const rows = phaseReports(phases, reader.ops, writer.ops, monitor);
    const diff = schemaDiff(before, after);
    const errors = [...reader.ops, ...writer.ops].filter((o) => o.error).map((o) => o.error!);
    const targets = {
      accessExclusiveAtMostMs: TARGET_ACCESS_EXCLUSIVE_MS,
      writerLockWaitAtMostMs: TARGET_WRITER_WAIT_MS,
      locksMet: rows.every((r) => r.meetsLockTarget),
      writerWaitsMet: rows.every((r) => r.meetsWriterTarget),
      readerWriterErrorFree: errors.length === 0,
      everyStepSucceededFirstTime: rows.every((r) => r.error === null),
      lockOrderDrillErrorFree: rows.every((r) => r.lockOrderDrill === null || r.lockOrderDrill === 'ok'),
      everyMigrationHasRollback: withoutRollback.length === 0,
      schemaIdentical: diff.length === 0,
    };
    const passed = Object.values(targets).every((v) => typeof v !== 'boolean' || v);

    console.log('');
    printTable(rows);
    console.log('');
    console.log(`reader: ${reader.ops.length} statements, ${reader.ops.filter((o) => o.error).length} errors; ` +
      `writer: ${writer.ops.length} statements, ${writer.ops.filter((o) => o.error).length} errors`);
    if (errors.length > 0) console.log(`first error: ${errors[0]}`);
    console.log(`schema after rollback + re-apply: ${diff.length === 0 ? 'identical (catalog snapshot)' : `DIFFERENT\n  ${diff.slice(0, 40).join('\n  ')}`}`);
    console.log(`CLI start-up (included in each migrate/reapply wall time): ~${loaded.cliOverheadMs} ms; lock sampling every ${config.REHEARSE_SAMPLE_MS} ms`);
    for (const r of rows.filter((x) => !meetsTargets(x))) {
      console.log(`miss: ${r.kind} ${r.name}: ${[
        r.error && `step failed: ${r.error}`,
        r.lockOrderDrill && r.lockOrderDrill !== 'ok' && `drill write failed: ${r.lockOrderDrill}`,
        !r.meetsLockTarget && `ACCESS EXCLUSIVE held ${r.accessExclusiveHeldMs} ms / waited ${r.accessExclusiveWaitMs} ms`,
        !r.meetsWriterTarget && `writer waited ${r.writerLockWaitMs} ms for ${r.writerWaitedOn}`,
        r.reader.errors + r.writer.errors > 0 && `reader/writer error: ${r.reader.firstError ?? r.writer.firstError}`,
      ].filter(Boolean).join('; ')}`);
    }
    for (const m of withoutRollback) console.log(`miss: no rollback script for ${m.name}`);
    console.log(`targets: ${Object.entries(targets).filter(([, v]) => typeof v === 'boolean').map(([k, v]) => `${k} ${v ? 'met' : 'MISSED'}`).join('; ')} -> ${passed ? 'PASS' : 'FAIL'}`);

    const report = {
      generatedAt: new Date().toISOString(),
      environment: {
        server: loaded.server,
        cpus: cpus().length,
        note: 'CPU cores shared with other work on the machine; figures are indicative, not a benchmark',
        cluster: target.throwaway ? 'throwaway (fsync off, shared_buffers 256MB, max_wal_size 4GB)' : 'DATABASE_URL',
        sampleIntervalMs: config.REHEARSE_SAMPLE_MS,
        cliOverheadMs: loaded.cliOverheadMs,
      },
      data: { ...Object.fromEntries(Object.entries(loaded.sizes).map(([k, v]) => [k, /^\d+$/.test(v) ? Number(v) : v])), loadSeconds: loaded.loadSeconds },
      targets: { ...targets, passed },
      migrationsWithoutRollback: withoutRollback.map((m) => m.name),
      steps: rows,
      workload: {
        reader: { statements: reader.ops.length, errors: reader.ops.filter((o) => o.error).length },
        writer: { statements: writer.ops.length, errors: writer.ops.filter((o) => o.error).length },
        errors: [...new Set(errors)].slice(0, 20),
      },
      schemaDiff: diff.slice(0, 200),
    };
    mkdirSync(path.dirname(REPORT_FILE), { recursive: true });
    writeFileSync(REPORT_FILE, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(SUMMARY_FILE, `${report.generatedAt}: ${loaded.sizes.peer_mentors} mentors, ${loaded.server.split(' ').slice(0, 2).join(' ')}, ` +
      `${cpus().length} shared cores; ${passed ? 'PASS' : 'FAIL'}; schema after rollback + re-apply ${diff.length === 0 ? 'identical' : 'DIFFERENT'}\n\n${markdownTable(rows)}\n`);
    console.log(`wrote ${path.relative(ROOT, REPORT_FILE)} and ${path.relative(ROOT, SUMMARY_FILE)}`);
    exitCode = passed ? 0 : 1;
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    rmSync(workdir, { recursive: true, force: true });
    if (target.throwaway || config.REHEARSE_KEEP === '0') {
      await withClient(serverAdminUrl(target), (c) => c.query(`drop database if exists ${scratch.database} with (force)`)).catch((err: unknown) =>
        console.error(`could not drop ${scratch.database}: ${err instanceof Error ? err.message : String(err)}`),
      );
    }
    await target.release();
  }
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
