// Per-step figures from the phases, the workload's statements and the lock samples; the targets; the table
// printed at the end, and the same as Markdown for rehearse/README.md.
import { TARGET_ACCESS_EXCLUSIVE_MS, TARGET_WRITER_WAIT_MS, WRITE_BLOCKING } from './config.ts';
import type { LockMonitor } from './monitor.ts';
import { type Kind, type Phase } from './steps.ts';
import { type Op, WRITER } from './workload.ts';

interface WorkerStats {
  ops: number;
  errors: number;
  maxMs: number;
  firstError?: string;
}
export interface PhaseReport {
  kind: Kind;
  name: string;
  wallMs: number;
  transactionMs: number;
  accessExclusiveHeldMs: number;
  accessExclusiveWaitMs: number;
  writeBlockingHeldMs: number;
  writeBlockingMode: string | null;
  /** The writer's longest lock wait (pg_locks.waitstart), and on what. */
  writerLockWaitMs: number;
  writerWaitedOn: string | null;
  reader: WorkerStats;
  writer: WorkerStats;
  /** The step's own error, if it failed (it is retried once, as a new row). */
  error: string | null;
  errorDetail: string | null;
  /** The lock-order drill's write: 'ok' or its error. */
  lockOrderDrill: string | null;
  meetsLockTarget: boolean;
  meetsWriterTarget: boolean;
}

const overlaps = (a: { start: number; end: number }, from: number, to: number) => a.start <= to && a.end >= from;

function workerStats(ops: Op[], phase: { start: number; end: number }): WorkerStats {
  const inPhase = ops.filter((o) => overlaps(o, phase.start, phase.end));
  const errors = inPhase.filter((o) => o.error);
  return {
    ops: inPhase.length,
    errors: errors.length,
    maxMs: Math.round(Math.max(0, ...inPhase.map((o) => o.end - o.start))),
    ...(errors[0]?.error ? { firstError: errors[0].error } : {}),
  };
}

export function phaseReports(phases: Phase[], reader: Op[], writer: Op[], monitor: LockMonitor): PhaseReport[] {
  const intervals = monitor.intervals();
  return phases
    .filter((p) => p.kind !== 'idle')
    .map((p) => {
      const mine = intervals.filter((iv) => iv.from <= p.end && iv.to >= p.start);
      const ae = mine.filter((iv) => iv.mode === 'AccessExclusiveLock');
      const heldAe = ae.filter((iv) => iv.granted).map((iv) => iv.to - iv.from);
      // A waiting request: pg_locks.waitstart gives the exact wait.
      const waitAe = ae.filter((iv) => !iv.granted).map((iv) => Math.max(iv.waitedMs, 0));
      const blocking = mine.filter((iv) => iv.granted && WRITE_BLOCKING.has(iv.mode)).sort((a, b) => b.to - b.from - (a.to - a.from));
      const accessExclusiveHeldMs = Math.round(Math.max(0, ...heldAe));
      const accessExclusiveWaitMs = Math.round(Math.max(0, ...waitAe));
      const wait = monitor.longestWait(WRITER, p.start, p.end);
      return {
        kind: p.kind,
        name: p.name,
        wallMs: Math.round(p.end - p.start),
        transactionMs: monitor.longestTransactionMs(p.start, p.end),
        accessExclusiveHeldMs,
        accessExclusiveWaitMs,
        writeBlockingHeldMs: Math.round(blocking[0] ? blocking[0].to - blocking[0].from : 0),
        writeBlockingMode: blocking[0]?.mode ?? null,
        writerLockWaitMs: wait.ms,
        writerWaitedOn: wait.on,
        reader: workerStats(reader, p),
        writer: workerStats(writer, p),
        error: p.error ?? null,
        errorDetail: p.errorDetail ?? null,
        lockOrderDrill: p.drill ?? null,
        meetsLockTarget: accessExclusiveHeldMs <= TARGET_ACCESS_EXCLUSIVE_MS && accessExclusiveWaitMs <= TARGET_ACCESS_EXCLUSIVE_MS,
        meetsWriterTarget: wait.ms <= TARGET_WRITER_WAIT_MS,
      };
    });
}

const drillOk = (r: PhaseReport) => r.lockOrderDrill === 'ok' || r.lockOrderDrill === null;
const deadlock = (text: string | null) => (text && /deadlock/i.test(text) ? ' (deadlock)' : '');
export const meetsTargets = (r: PhaseReport) =>
  r.meetsLockTarget && r.meetsWriterTarget && !r.error && drillOk(r) && r.reader.errors + r.writer.errors === 0;

function cells(r: PhaseReport): string[] {
  return [
    r.kind,
    r.name,
    String(r.wallMs),
    String(r.transactionMs),
    String(r.accessExclusiveHeldMs),
    String(r.accessExclusiveWaitMs),
    r.writeBlockingMode ? `${r.writeBlockingHeldMs} (${r.writeBlockingMode.replace(/Lock$/, '')})` : '0',
    r.writerLockWaitMs > 0 ? `${r.writerLockWaitMs} (${r.writerWaitedOn})` : '0',
    `${r.reader.maxMs} (${r.reader.ops})`,
    `${r.writer.maxMs} (${r.writer.ops})`,
    String(r.reader.errors + r.writer.errors),
    r.error ? `STEP FAILED${deadlock(r.error)}` : drillOk(r) ? 'ok' : `WRITE FAILED${deadlock(r.lockOrderDrill)}`,
    meetsTargets(r) ? 'ok' : 'MISS',
  ];
}
const HEADER = ['step', 'migration / rollback', 'wall ms', 'txn ms', 'AE held', 'AE wait', 'write-blocked', 'writer lock wait',
  'reader max', 'writer max', 'errors', 'lock order', 'target'];

export function printTable(rows: PhaseReport[]): void {
  const lines = rows.map(cells);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (c: string[]) => c.map((x, i) => (i <= 1 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ');
  console.log(fmt(HEADER));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(fmt(l));
  console.log('(ms; wall = the whole command (CLI start-up included); txn = how long its transaction was open (sampled; 0: shorter');
  console.log(' than a sample); AE = ACCESS EXCLUSIVE on peer_mentors, held / waited for (0: never sampled); write-blocked = longest');
  console.log(' hold of a lock on peer_mentors that makes its writers wait; writer lock wait = the writer\'s longest wait for any lock');
  console.log(' (pg_locks.waitstart), on what; reader/writer max = worst latency of a statement overlapping the step, (n) statements;');
  console.log(' lock order = the drill: a transaction writing a user, then (while the step waits) its mentor, both succeed)');
}

/**
 * The columns the targets are about, as a Markdown table with one row per migration: the worst of its three
 * steps (migrate, rollback, re-apply), for rehearse/README.md's summary of the last full run.
 */
export function markdownTable(rows: PhaseReport[]): string {
  const byMigration = new Map<string, PhaseReport[]>();
  for (const r of rows) {
    const name = r.name.replace(/ \(retry\)$/, '').replace(/_down$/, '');
    byMigration.set(name, [...(byMigration.get(name) ?? []), r]);
  }
  const head = ['migration (migrate / rollback / re-apply: the worst of the three)', 'AE held / wait (ms)', 'writer lock wait (ms)',
    'writer max (ms)', 'errors', 'failed steps / drill', 'target'];
  const body = [...byMigration].map(([name, steps]) => {
    const worst = (f: (r: PhaseReport) => number) => Math.max(0, ...steps.map(f));
    const wait = [...steps].sort((a, b) => b.writerLockWaitMs - a.writerLockWaitMs)[0]!;
    const failed = steps.filter((r) => r.error).map((r) => `${r.kind} failed${deadlock(r.error)}`);
    const drill = steps.filter((r) => !drillOk(r)).map((r) => `drill failed in ${r.kind}${deadlock(r.lockOrderDrill)}`);
    return [
      `\`${name}\``,
      `${worst((r) => r.accessExclusiveHeldMs)} / ${worst((r) => r.accessExclusiveWaitMs)}`,
      wait.writerLockWaitMs > 0 ? `${wait.writerLockWaitMs} (${wait.writerWaitedOn}, ${wait.kind})` : '0',
      String(worst((r) => r.writer.maxMs)),
      String(steps.reduce((n, r) => n + r.reader.errors + r.writer.errors, 0)),
      [...failed, ...drill].join(', ') || 'none / ok',
      steps.every(meetsTargets) ? 'ok' : '**MISS**',
    ];
  });
  return [head, head.map(() => '---'), ...body].map((l) => `| ${l.join(' | ')} |`).join('\n');
}
