// A worker over one of the database's claim/complete/fail outboxes: bounded at-least-once delivery, shared by the
// coordinator-notification dispatcher (dispatch-notifications.ts) and the digest publisher (publish-digests.ts).
//
//   claim a batch   select * from public.claim_<outbox>($batch, $lease)   (FOR UPDATE SKIP LOCKED in the database)
//   send each       a Sender: resolves when delivered, throws when not
//   report failures select * from public.fail_<outbox>($failed_ids, $claim_token, $error)   (one call per error text)
//   confirm         select public.complete_<outbox>($delivered_ids, $claim_token)
//
// The database keeps the retry policy (growing delays, dead after the last attempt, a lapsed claim handed out
// again); this module only runs the loop and reports what the database recorded.
import pg from 'pg';
import { z } from 'zod';
import { databaseUrlFromEnv } from '../scripts/lib/url.ts';
import { postgrestTypes } from '../types/pg.ts';

/** The columns every claimed row has; the rest is the message. */
export interface ClaimedRow {
  id: number | null;
  claim_token: string | null;
}

/** What a fail_* function answers per row (columns it does not return stay undefined). */
export interface RecordedFailureRow {
  id: number | null;
  dead_at?: string | null;
  next_attempt_at?: string | null;
}

/** The SQL names of one outbox. */
export interface Outbox {
  /** For error messages, e.g. 'coordinator notification'. */
  noun: string;
  /** `select * from public.claim_…($1 integer, $2::interval)`, returning rows with id and claim_token. */
  claimSql: string;
  /** `select public.complete_…($1::bigint[], $2::uuid) as confirmed` (an integer: how many it confirmed). */
  completeSql: string;
  /** `select * from public.fail_…($1::bigint[], $2::uuid, $3::text)`: rows with id (and dead_at, next_attempt_at where it has them), or none. */
  failSql: string;
}

/** Delivers one message; resolves when delivered, throws when not (the failure is reported and retried). */
export type Sender<M> = (message: M) => Promise<void>;

export interface DispatchOptions {
  /** Rows per claim (1..10000). */
  batch: number;
  /** A PostgreSQL interval, e.g. '5 minutes'. */
  lease: string;
}

export interface Failure {
  id: number;
  error: string;
  /** True when this was its last attempt: the row is now dead (until re-queued). */
  dead: boolean;
  /** When it is handed out again (null when dead, or when the claim had lapsed and nothing was recorded). */
  nextAttemptAt: string | null;
}

export interface BatchResult {
  claimed: number;
  delivered: number;
  /** Of the delivered, how many the claim still held when confirming (a lapsed claim confirms nothing). */
  confirmed: number;
  failures: Failure[];
}

export interface RunOptions extends DispatchOptions {
  /** Stop after one batch. */
  once?: boolean;
  /** When the queue is empty, poll again after this many ms instead of stopping. */
  pollMs?: number;
  /** Stops the loop between batches (e.g. on SIGINT). */
  signal?: AbortSignal;
  /** Called after each non-empty batch. */
  onBatch?: (result: BatchResult) => void;
}

export interface RunTotals {
  batches: number;
  claimed: number;
  delivered: number;
  confirmed: number;
  failed: number;
  /** Of the failed, how many used their last attempt and are now dead. */
  dead: number;
}

/** The claimed row without its claim token (that stays with the worker). */
export function withoutClaimToken<R extends ClaimedRow>(row: R): Omit<R, 'claim_token'> {
  const { claim_token: _token, ...message } = row;
  return message;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A worker's client: connected, every call made as service_role (the only role granted the outbox API). */
export async function connectAsServiceRole(url: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName, types: postgrestTypes });
  await client.connect();
  try {
    await client.query('set role service_role');
  } catch (err) {
    await client.end();
    throw new Error(`\`set role service_role\` failed: the DATABASE_URL role must be a member of service_role (${String(err)})`);
  }
  return client;
}

/** Reports the failed sends, one call per distinct error text; returns each failure with what was recorded. */
async function reportFailures(client: pg.ClientBase, outbox: Outbox, token: string, failed: { id: number; error: string }[]): Promise<Failure[]> {
  const byError = new Map<string, number[]>();
  for (const f of failed) byError.set(f.error, [...(byError.get(f.error) ?? []), f.id]);
  const recorded = new Map<number, RecordedFailureRow>();
  for (const [error, ids] of byError) {
    const { rows } = await client
      .query<RecordedFailureRow>({ text: outbox.failSql, values: [ids, token, error], types: postgrestTypes })
      .catch((err: unknown) => {
        throw new Error(`failure report failed (${outbox.failSql} for ${ids.join(', ')}): ${errorText(err)}`);
      });
    for (const row of rows) if (row.id != null) recorded.set(row.id, row);
  }
  return failed.map((f) => {
    const row = recorded.get(f.id);
    return { id: f.id, error: f.error, dead: row?.dead_at != null, nextAttemptAt: row?.next_attempt_at ?? null };
  });
}

/** One claim: send every claimed row (in claim order), report the failed ones, confirm the delivered ones. */
export async function dispatchOnce<R extends ClaimedRow>(
  client: pg.ClientBase,
  outbox: Outbox,
  sender: Sender<Omit<R, 'claim_token'>>,
  options: DispatchOptions,
): Promise<BatchResult> {
  // Whatever client is passed in, the claim is read with postgrestTypes: the rows are the generated type.
  const claim = { text: outbox.claimSql, values: [options.batch, options.lease], types: postgrestTypes };
  const { rows } = await client.query<R>(claim).catch((err: unknown) => {
    throw new Error(`claim failed (${outbox.claimSql} with [${options.batch}, '${options.lease}']): ${errorText(err)}`);
  });
  const delivered: number[] = [];
  const failed: { id: number; error: string }[] = [];
  for (const row of rows) {
    if (row.id === null) throw new Error(`claim returned a ${outbox.noun} without an id (${outbox.claimSql})`);
    try {
      await sender(withoutClaimToken(row));
      delivered.push(row.id);
    } catch (err) {
      failed.push({ id: row.id, error: errorText(err) || 'the sender failed without a message' });
    }
  }
  let confirmed = 0;
  const token = rows[0]?.claim_token;
  const failures = failed.length > 0 && token ? await reportFailures(client, outbox, token, failed) : [];
  if (delivered.length > 0 && token) {
    const result = await client.query<{ confirmed: number }>(outbox.completeSql, [delivered, token]).catch((err: unknown) => {
      throw new Error(`confirm failed (${outbox.completeSql}): ${errorText(err)}`);
    });
    confirmed = result.rows[0]?.confirmed ?? 0;
  }
  return { claimed: rows.length, delivered: delivered.length, confirmed, failures };
}

/** Claims and sends batch after batch until the queue is empty (or once, or until aborted when polling). */
export async function drain<R extends ClaimedRow>(
  client: pg.ClientBase,
  outbox: Outbox,
  sender: Sender<Omit<R, 'claim_token'>>,
  options: RunOptions,
): Promise<RunTotals> {
  const totals: RunTotals = { batches: 0, claimed: 0, delivered: 0, confirmed: 0, failed: 0, dead: 0 };
  while (!options.signal?.aborted) {
    const result = await dispatchOnce<R>(client, outbox, sender, options);
    if (result.claimed > 0) {
      totals.batches += 1;
      totals.claimed += result.claimed;
      totals.delivered += result.delivered;
      totals.confirmed += result.confirmed;
      totals.failed += result.failures.length;
      totals.dead += result.failures.filter((f) => f.dead).length;
      options.onBatch?.(result);
    }
    if (options.once) break;
    if (result.claimed === 0) {
      if (options.pollMs === undefined) break;
      await sleep(options.pollMs, options.signal);
    }
  }
  return totals;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The run's closing line: `sent N, failed N, dead N`. */
export function summaryLine(totals: RunTotals): string {
  return `sent ${totals.delivered}, failed ${totals.failed}, dead ${totals.dead}`;
}

/** What a worker prints to stderr for one batch: each failure and what happens to it next, and lapsed claims. */
export function batchReport(result: BatchResult, noun: string, lease: string, requeueHint: string): string[] {
  const lines: string[] = [];
  for (const failure of result.failures) {
    const next = failure.dead
      ? `dead: its last attempt (${requeueHint})`
      : failure.nextAttemptAt
        ? `retried after ${failure.nextAttemptAt}`
        : 'its claim had lapsed: retried by whoever holds it now';
    lines.push(`${noun} ${failure.id} not delivered (${next}): ${failure.error}`);
  }
  if (result.confirmed < result.delivered) {
    lines.push(`${result.delivered - result.confirmed} delivered ${noun}(s) could not be confirmed: the claim lapsed (--lease ${lease}); they will be sent again`);
  }
  return lines;
}

/** POSTs each message as JSON; any answer but 2xx (or no answer within timeoutMs) is a failed delivery. */
export function webhookSender<M>(url: string, idempotencyKey: (message: M) => string, { timeoutMs = 10_000 }: { timeoutMs?: number } = {}): Sender<M> {
  return async (message) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey(message) },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Drain the body so the connection can be reused.
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`POST ${url} answered ${response.status} ${response.statusText}: ${text.slice(0, 200)}`);
    }
  };
}

/** Every sender in turn; the message is delivered when all of them delivered it (at-least-once for each). */
export function allOf<M>(senders: Sender<M>[]): Sender<M> {
  return async (message) => {
    for (const send of senders) await send(message);
  };
}

// -------------------------------------------------------------------------------------------------------------
// Command-line pieces both workers take
// -------------------------------------------------------------------------------------------------------------
/** A PostgreSQL interval a person would type: '<number> <unit>' (ms … hours) or 'hh:mm[:ss]'. */
const INTERVAL = /^(?:(\d+(?:\.\d+)?)\s*(?:ms|msecs?|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hours?)|\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/i;

export const integerArg = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`));

/** A positive interval argument, e.g. --lease. */
export const intervalArg = (name: string, example: string) =>
  z
    .string()
    .trim()
    .regex(INTERVAL, `${name} must be an interval such as '30 seconds', '${example}' or '00:05:00'`)
    .refine((v) => !/^0+(\.0+)?\s*[a-z]/i.test(v) && !/^0?0:00(:00(\.0+)?)?$/.test(v), `${name} must be longer than 0`);

export const webhookArg = z.url({ protocol: /^https?$/, error: '--webhook must be an http:// or https:// URL' });

/** DATABASE_URL, required (a worker never starts a database of its own), validated by scripts/lib/url.ts. */
export function requiredDatabaseUrl(purpose: string, env: NodeJS.ProcessEnv = process.env): string {
  let url: string | undefined;
  try {
    url = databaseUrlFromEnv('DATABASE_URL', env);
  } catch (err) {
    throw new UsageError(errorText(err));
  }
  if (url === undefined) throw new UsageError(`DATABASE_URL is required: ${purpose}`);
  return url;
}

export class UsageError extends Error {}

export function zodIssues(error: z.ZodError): string {
  return error.issues.map((i) => i.message).join('; ');
}

/** Runs a command's main: its exit code, or 1 with `<name>: <message>` on stderr. */
export function runMain(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`${name}: ${errorText(err)}`);
      process.exit(1);
    },
  );
}
