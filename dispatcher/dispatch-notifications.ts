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
// service_role) and runs every call as service_role, the only role granted the API. The claim/send/confirm loop
// itself is outbox-worker.ts, shared with the digest publisher (publish-digests.ts); dispatcher/README.md.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { z } from 'zod';
import type { CompositeTypes, Enums } from '../types/database.ts';
import {
  batchReport,
  connectAsServiceRole as connectWorker,
  dispatchOnce as outboxOnce,
  drain,
  errorText,
  integerArg,
  intervalArg,
  runMain,
  summaryLine,
  requiredDatabaseUrl,
  UsageError,
  webhookArg,
  webhookSender as postJson,
  withoutClaimToken,
  zodIssues,
  type BatchResult,
  type DispatchOptions,
  type Failure,
  type Outbox,
  type RunOptions,
  type RunTotals,
  type Sender as OutboxSender,
} from './outbox-worker.ts';

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
export type Sender = OutboxSender<NotificationMessage>;

export type { BatchResult, DispatchOptions, Failure, RunOptions, RunTotals };

/** One row of public.fail_coordinator_notifications: what the database recorded for a failed send. */
export type RecordedFailure = CompositeTypes<'failed_coordinator_notification'>;

/** The coordinator-notification outbox's SQL API. */
export const NOTIFICATIONS: Outbox = {
  noun: 'notification',
  claimSql: 'select * from public.claim_coordinator_notifications($1, $2::interval)',
  completeSql: 'select public.complete_coordinator_notifications($1::bigint[], $2::uuid) as confirmed',
  failSql: 'select * from public.fail_coordinator_notifications($1::bigint[], $2::uuid, $3::text)',
};

export function toMessage(row: ClaimedNotification): NotificationMessage {
  return withoutClaimToken(row);
}

/** The default sender: one JSON line per notification. */
export function jsonLinesSender(write: (line: string) => void = (line) => process.stdout.write(line)): Sender {
  return async (message) => {
    write(`${JSON.stringify(message)}\n`);
  };
}

/** POSTs each notification as JSON; any answer but 2xx (or no answer within timeoutMs) is a failed delivery. */
export function webhookSender(url: string, options: { timeoutMs?: number } = {}): Sender {
  return postJson<NotificationMessage>(url, (message) => `coordinator-notification-${message.id}`, options);
}

/** A client for the dispatcher: connected, every call made as service_role. */
export function connectAsServiceRole(url: string): Promise<pg.Client> {
  return connectWorker(url, 'dispatch-notifications');
}

/** One claim: send every claimed notification, confirm the delivered ones. */
export function dispatchOnce(client: pg.ClientBase, sender: Sender, options: DispatchOptions): Promise<BatchResult> {
  return outboxOnce<ClaimedNotification>(client, NOTIFICATIONS, sender, options);
}

/** Claims and sends batch after batch until the queue is empty (or once, or until aborted when polling). */
export function dispatch(client: pg.ClientBase, sender: Sender, options: RunOptions): Promise<RunTotals> {
  return drain<ClaimedNotification>(client, NOTIFICATIONS, sender, options);
}

export { summaryLine, UsageError };

// -------------------------------------------------------------------------------------------------------------
// Command line
// -------------------------------------------------------------------------------------------------------------
export const argsSchema = z.object({
  batch: integerArg('--batch', 1, 10_000).default(50),
  lease: intervalArg('--lease', '5 minutes').default('5 minutes'),
  once: z.boolean().default(false),
  webhook: webhookArg.optional(),
  pollMs: integerArg('--poll-ms', 10, 86_400_000).optional(),
  maxAttempts: integerArg('--max-attempts', 1, 1000).optional(),
  retryDelay: intervalArg('--retry-delay', '1 minute').optional(),
  help: z.boolean().default(false),
});
export type Args = z.infer<typeof argsSchema>;

const issues = zodIssues;

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
  return { args: parsed.data, databaseUrl: requiredDatabaseUrl('the database whose outbox to dispatch', env) };
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
        for (const line of batchReport(result, 'notification', args.lease, 're-queue it with requeue_coordinator_notifications')) console.error(line);
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
  runMain('dispatch-notifications', main);
}
