// npm run dispatch: the coordinator-notification dispatcher. A thin worker over the outbox API:
//
//   claim a batch   select * from public.claim_coordinator_notifications($batch, $lease)   (FOR UPDATE SKIP LOCKED)
//   send each       default: one JSON line per notification on stdout; --webhook URL: POST it as JSON
//   confirm         select public.complete_coordinator_notifications($delivered_ids, $claim_token)
//   report failures select * from public.fail_coordinator_notifications($failed_ids, $claim_token, $error)
//
// A failed send is reported with its error: the database stores it, releases the claim and hands the notification
// out again after a growing delay (app.notification_retry_delay, doubled per attempt), until after
// app.notification_max_attempts attempts it is dead (kept, never claimed again until the service role re-queues
// it). A worker that dies mid-batch has its claim handed out again after the lease. Delivery is at-least-once and
// receivers deduplicate on `id` (sent as the Idempotency-Key header). Any number of workers may run at once: a claim never hands out a row
// another live claim holds. It connects with DATABASE_URL (the database owner, or any role that is a member of
// service_role) and runs every call as service_role, the only role granted the API.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { z } from 'zod';
import type { CompositeTypes, Enums } from '../types/database.ts';
import { postgrestTypes } from '../types/pg.ts';

export const USAGE =
  "Usage: DATABASE_URL=postgresql://… npm run dispatch -- [--batch N] [--lease '5 minutes'] [--once] [--webhook URL] [--poll-ms MS] [--max-attempts N] [--retry-delay '1 minute']";

const HELP = `${USAGE}

Claims undispatched coordinator notifications, hands each to a sender and confirms the delivered ones.
  --batch N        notifications per claim, 1..10000 (default 50)
  --lease INTERVAL how long a claim is held before it is handed out again if unconfirmed, e.g. '30 seconds',
                   '5 minutes', '1 hour' (default '5 minutes')
  --once           one batch, then exit
  --webhook URL    POST each notification as JSON to URL (a non-2xx answer is a failed delivery);
                   without it, print one JSON line per notification on stdout
  --poll-ms MS     keep running: when the queue is empty, look again every MS milliseconds (stop with Ctrl-C);
                   without it, exit once nothing is due
  --max-attempts N attempts before a notification is dead, 1..1000 (this session's app.notification_max_attempts;
                   default: the database's setting, else 10)
  --retry-delay INTERVAL  the wait after a first failure, doubled per attempt up to 6 hours (this session's
                   app.notification_retry_delay; default: the database's setting, else '1 minute')
Ends with a summary on stderr: sent N, failed N, dead N.
Exit status: 0 when every claimed notification was delivered, 1 when some failed (they are retried after their
backoff, or are dead) or on an error.`;

export type MentorStatus = Enums<'mentor_status'>;

/**
 * One row of public.claim_coordinator_notifications: its declared row type, as generated (types/database.ts).
 * The dispatcher reads with types/pg.ts's postgrestTypes, so ids are numbers and timestamps ISO text, as typed.
 * A composite type's fields are all nullable to the generator; the claim fills id and claim_token always.
 */
export type ClaimedNotification = CompositeTypes<'claimed_coordinator_notification'>;

/** What a sender receives: the claimed row without the claim token (that stays with the worker). */
export type NotificationMessage = Omit<ClaimedNotification, 'claim_token'>;

/** Delivers one notification; resolves when delivered, throws when not (it is then retried after the lease). */
export type Sender = (message: NotificationMessage) => Promise<void>;

export interface DispatchOptions {
  /** Notifications per claim (1..10000). */
  batch: number;
  /** A PostgreSQL interval, e.g. '5 minutes'. */
  lease: string;
}

/** One row of public.fail_coordinator_notifications: what the database recorded for a failed send. */
export type RecordedFailure = CompositeTypes<'failed_coordinator_notification'>;

export interface Failure {
  id: number;
  error: string;
  /** True when this was its last attempt: the notification is now dead (until re-queued). */
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

export function toMessage(row: ClaimedNotification): NotificationMessage {
  const { claim_token: _token, ...message } = row;
  return message;
}

/** The default sender: one JSON line per notification. */
export function jsonLinesSender(write: (line: string) => void = (line) => process.stdout.write(line)): Sender {
  return async (message) => {
    write(`${JSON.stringify(message)}\n`);
  };
}

/** POSTs each notification as JSON; any answer but 2xx (or no answer within timeoutMs) is a failed delivery. */
export function webhookSender(url: string, { timeoutMs = 10_000 }: { timeoutMs?: number } = {}): Sender {
  return async (message) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `coordinator-notification-${message.id}` },
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

/** A client for the dispatcher: connected, every call made as service_role. */
export async function connectAsServiceRole(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'dispatch-notifications', types: postgrestTypes });
  await client.connect();
  try {
    await client.query('set role service_role');
  } catch (err) {
    await client.end();
    throw new Error(`\`set role service_role\` failed: the DATABASE_URL role must be a member of service_role (${String(err)})`);
  }
  return client;
}

const CLAIM_SQL = 'select * from public.claim_coordinator_notifications($1, $2::interval)';
const COMPLETE_SQL = 'select public.complete_coordinator_notifications($1::bigint[], $2::uuid) as confirmed';
const FAIL_SQL = 'select * from public.fail_coordinator_notifications($1::bigint[], $2::uuid, $3::text)';

/** Reports the failed sends, one call per distinct error text; returns each failure with what was recorded. */
async function reportFailures(client: pg.ClientBase, token: string, failed: { id: number; error: string }[]): Promise<Failure[]> {
  const byError = new Map<string, number[]>();
  for (const f of failed) byError.set(f.error, [...(byError.get(f.error) ?? []), f.id]);
  const recorded = new Map<number, RecordedFailure>();
  for (const [error, ids] of byError) {
    const { rows } = await client.query<RecordedFailure>({ text: FAIL_SQL, values: [ids, token, error], types: postgrestTypes }).catch((err: unknown) => {
      throw new Error(`failure report failed (${FAIL_SQL} for ${ids.join(', ')}): ${errorText(err)}`);
    });
    for (const row of rows) if (row.id !== null) recorded.set(row.id, row);
  }
  return failed.map((f) => {
    const row = recorded.get(f.id);
    return { id: f.id, error: f.error, dead: row?.dead_at != null, nextAttemptAt: row?.next_attempt_at ?? null };
  });
}

/** One claim: send every claimed notification, confirm the delivered ones. */
export async function dispatchOnce(client: pg.ClientBase, sender: Sender, options: DispatchOptions): Promise<BatchResult> {
  // Whatever client is passed in, the claim is read with postgrestTypes: the rows are the generated type.
  const claim = { text: CLAIM_SQL, values: [options.batch, options.lease], types: postgrestTypes };
  const { rows } = await client.query<ClaimedNotification>(claim).catch((err: unknown) => {
    throw new Error(`claim failed (${CLAIM_SQL} with [${options.batch}, '${options.lease}']): ${errorText(err)}`);
  });
  const delivered: number[] = [];
  const failed: { id: number; error: string }[] = [];
  for (const row of rows) {
    if (row.id === null) throw new Error(`claim returned a row without an id (${CLAIM_SQL})`);
    try {
      await sender(toMessage(row));
      delivered.push(row.id);
    } catch (err) {
      failed.push({ id: row.id, error: errorText(err) || 'the sender failed without a message' });
    }
  }
  let confirmed = 0;
  const token = rows[0]?.claim_token;
  const failures = failed.length > 0 && token ? await reportFailures(client, token, failed) : [];
  if (delivered.length > 0 && token) {
    const result = await client.query<{ confirmed: number }>(COMPLETE_SQL, [delivered, token]).catch((err: unknown) => {
      throw new Error(`confirm failed (${COMPLETE_SQL}): ${errorText(err)}`);
    });
    confirmed = result.rows[0]?.confirmed ?? 0;
  }
  return { claimed: rows.length, delivered: delivered.length, confirmed, failures };
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

/** Claims and sends batch after batch until the queue is empty (or once, or until aborted when polling). */
export async function dispatch(client: pg.ClientBase, sender: Sender, options: RunOptions): Promise<RunTotals> {
  const totals: RunTotals = { batches: 0, claimed: 0, delivered: 0, confirmed: 0, failed: 0, dead: 0 };
  while (!options.signal?.aborted) {
    const result = await dispatchOnce(client, sender, options);
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

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// -------------------------------------------------------------------------------------------------------------
// Command line
// -------------------------------------------------------------------------------------------------------------
/** A PostgreSQL interval a person would type: '<number> <unit>' (ms … hours) or 'hh:mm[:ss]'. */
const INTERVAL = /^(?:(\d+(?:\.\d+)?)\s*(?:ms|msecs?|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hours?)|\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/i;

const integer = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`));

export const argsSchema = z.object({
  batch: integer('--batch', 1, 10_000).default(50),
  lease: z
    .string()
    .trim()
    .regex(INTERVAL, "--lease must be an interval such as '30 seconds', '5 minutes' or '00:05:00'")
    .refine((v) => !/^0+(\.0+)?\s*[a-z]/i.test(v) && !/^0?0:00(:00(\.0+)?)?$/.test(v), '--lease must be longer than 0')
    .default('5 minutes'),
  once: z.boolean().default(false),
  webhook: z
    .url({ protocol: /^https?$/, error: '--webhook must be an http:// or https:// URL' })
    .optional(),
  pollMs: integer('--poll-ms', 10, 86_400_000).optional(),
  maxAttempts: integer('--max-attempts', 1, 1000).optional(),
  retryDelay: z
    .string()
    .trim()
    .regex(INTERVAL, "--retry-delay must be an interval such as '30 seconds', '1 minute' or '00:01:00'")
    .refine((v) => !/^0+(\.0+)?\s*[a-z]/i.test(v) && !/^0?0:00(:00(\.0+)?)?$/.test(v), '--retry-delay must be longer than 0')
    .optional(),
  help: z.boolean().default(false),
});
export type Args = z.infer<typeof argsSchema>;

const envSchema = z.object({
  DATABASE_URL: z
    .string({ error: 'DATABASE_URL is required: the database whose outbox to dispatch' })
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// or postgresql:// URL'),
});

export class UsageError extends Error {}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => i.message).join('; ');
}

export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv): { args: Args; databaseUrl: string } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        batch: { type: 'string' },
        lease: { type: 'string' },
        once: { type: 'boolean' },
        webhook: { type: 'string' },
        'poll-ms': { type: 'string' },
        'max-attempts': { type: 'string' },
        'retry-delay': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError(errorText(err));
  }
  const parsed = argsSchema.safeParse({
    ...values,
    pollMs: values['poll-ms'],
    'poll-ms': undefined,
    maxAttempts: values['max-attempts'],
    'max-attempts': undefined,
    retryDelay: values['retry-delay'],
    'retry-delay': undefined,
  });
  if (!parsed.success) throw new UsageError(issues(parsed.error));
  if (parsed.data.help) return { args: parsed.data, databaseUrl: '' };
  if (parsed.data.once && parsed.data.pollMs !== undefined) throw new UsageError('--once and --poll-ms exclude each other');
  const parsedEnv = envSchema.safeParse({ DATABASE_URL: env.DATABASE_URL === '' ? undefined : env.DATABASE_URL });
  if (!parsedEnv.success) throw new UsageError(issues(parsedEnv.error));
  return { args: parsed.data, databaseUrl: parsedEnv.data.DATABASE_URL };
}

async function main(): Promise<number> {
  let args: Args;
  let databaseUrl: string;
  try {
    ({ args, databaseUrl } = parseCommandLine(process.argv.slice(2), process.env));
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`dispatch-notifications: ${err.message}\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  if (args.help) {
    console.log(HELP);
    return 0;
  }

  const sender = args.webhook ? webhookSender(args.webhook) : jsonLinesSender();
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const client = await connectAsServiceRole(databaseUrl);
  try {
    // The retry policy for this session's claims and failure reports (else the database's settings or defaults).
    if (args.maxAttempts !== undefined) {
      await client.query(`select set_config('app.notification_max_attempts', $1, false)`, [String(args.maxAttempts)]);
    }
    if (args.retryDelay !== undefined) {
      await client.query(`select set_config('app.notification_retry_delay', $1, false)`, [args.retryDelay]);
    }
    const totals = await dispatch(client, sender, {
      batch: args.batch,
      lease: args.lease,
      once: args.once,
      pollMs: args.pollMs,
      signal: stop.signal,
      onBatch: (result) => {
        for (const failure of result.failures) {
          const next = failure.dead
            ? 'dead: its last attempt (re-queue it with requeue_coordinator_notifications)'
            : failure.nextAttemptAt
              ? `retried after ${failure.nextAttemptAt}`
              : 'its claim had lapsed: retried by whoever holds it now';
          console.error(`notification ${failure.id} not delivered (${next}): ${failure.error}`);
        }
        if (result.confirmed < result.delivered) {
          console.error(`${result.delivered - result.confirmed} delivered notification(s) could not be confirmed: the claim lapsed (--lease ${args.lease}); they will be sent again`);
        }
      },
    });
    if (totals.confirmed < totals.delivered) {
      console.error(`dispatch-notifications: ${totals.delivered - totals.confirmed} sent notification(s) were not confirmed (lapsed claims)`);
    }
    console.error(`dispatch-notifications: ${summaryLine(totals)}`);
    return totals.failed > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await client.end();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`dispatch-notifications: ${errorText(err)}`);
      process.exit(1);
    },
  );
}
