// npm run publish-digests: copies every new status-history digest out of the database, to an append-only JSON-lines
// file and/or a webhook, with the bounded at-least-once delivery of the notification dispatcher (the same loop:
// outbox-worker.ts):
//
//   claim a batch   select * from public.claim_status_history_digests($batch, $lease)   (oldest first)
//   send each       --file PATH: one JSON digest per line, O_APPEND, fsync before confirming;
//                   --webhook URL: POST the digest as JSON (Idempotency-Key: status-history-digest-<id>)
//   confirm         select public.complete_status_history_digests($delivered_ids, $claim_token)
//   report failures select * from public.fail_status_history_digests($failed_ids, $claim_token, $error)
//
// With both sinks a digest counts as published when both took it. A failed send is retried after a growing delay
// and is dead after the last attempt (app.notification_max_attempts / app.notification_retry_delay, the
// notifications' settings), until the service role re-queues it (public.requeue_status_history_digests). A worker
// that dies mid-batch leaves its claim to lapse: the digest is sent again (a file may hold a digest twice;
// `npm run verify` counts it once). --take first takes a digest (public.status_history_digest()), e.g. from cron.
//
// Database: DATABASE_URL, else the local database of `npm start` when it runs. Every call is made as service_role.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { z } from 'zod';
import type { CompositeTypes } from '../types/database.ts';
import { appendFileSender } from './append-file-sender.ts';
import { digestLine } from './digests.ts';
import { displayUrl, existingDatabase } from '../scripts/lib/existing-database.ts';
import {
  allOf,
  batchReport,
  connectAsServiceRole,
  drain,
  errorText,
  integerArg,
  intervalArg,
  summaryLine,
  UsageError,
  webhookArg,
  webhookSender,
  zodIssues,
  type Outbox,
  type RunOptions,
  type RunTotals,
  type Sender,
} from './outbox-worker.ts';

export const USAGE =
  "Usage: npm run publish-digests -- (--file PATH | --webhook URL | both) [--take] [--batch N] [--lease '5 minutes'] [--once] [--poll-ms MS] [--max-attempts N] [--retry-delay '1 minute']";

const HELP = `${USAGE}

Claims the status-history digests not yet published, sends each to every sink given, and confirms them.
  --file PATH      append one JSON digest per line to PATH (created if missing; O_APPEND, fsync before confirming)
  --webhook URL    POST each digest as JSON to URL (a non-2xx answer is a failed delivery)
  --take           first take a new digest (public.status_history_digest())
  --batch N        digests per claim, 1..10000 (default 100)
  --lease INTERVAL how long a claim is held before it is handed out again if unconfirmed (default '5 minutes')
  --once           one batch, then exit
  --poll-ms MS     keep running: when nothing is due, look again every MS milliseconds (stop with Ctrl-C)
  --max-attempts N attempts before a digest is dead, 1..1000 (this session's app.notification_max_attempts)
  --retry-delay INTERVAL  the wait after a first failure, doubled per attempt up to 6 hours
Database: DATABASE_URL, else the running local database of npm start. Ends with: sent N, failed N, dead N.
Exit status: 0 when every claimed digest was published, 1 when some failed (retried after their backoff, or
dead) or on an error, 2 on a usage error.`;

/**
 * One row of public.claim_status_history_digests: its declared row type, as generated (types/database.ts); read
 * with types/pg.ts's postgrestTypes (ids are numbers, timestamps ISO text). The claim fills every field.
 */
export type ClaimedDigest = CompositeTypes<'claimed_status_history_digest'>;

/** What a sink receives: the claimed row without its claim token. */
export type DigestMessage = Omit<ClaimedDigest, 'claim_token'>;

export const DIGESTS: Outbox = {
  noun: 'digest',
  claimSql: 'select * from public.claim_status_history_digests($1, $2::interval)',
  completeSql: 'select public.complete_status_history_digests($1::bigint[], $2::uuid) as confirmed',
  failSql: 'select * from public.fail_status_history_digests($1::bigint[], $2::uuid, $3::text)',
};

function digestOf(message: DigestMessage): Record<string, unknown> {
  const { digest } = message;
  if (digest === null || typeof digest !== 'object' || Array.isArray(digest)) throw new Error(`digest ${message.id} has no digest object`);
  return digest as Record<string, unknown>;
}

/** Appends each digest to `file` as one JSON line (fsynced). Close it when done. */
export function digestFileSink(file: string) {
  return appendFileSender<DigestMessage>(file, (m) => digestLine(digestOf(m)));
}

/** POSTs each digest (the digest itself, as JSON) to `url`. */
export function digestWebhookSink(url: string, options: { timeoutMs?: number } = {}): Sender<DigestMessage> {
  const post = webhookSender<Record<string, unknown>>(url, (d) => `status-history-digest-${String(d.digest_id)}`, options);
  return (message) => post(digestOf(message));
}

/** Claims and publishes until nothing is due (or once, or until aborted when polling). */
export function publish(client: pg.ClientBase, sender: Sender<DigestMessage>, options: RunOptions): Promise<RunTotals> {
  return drain<ClaimedDigest>(client, DIGESTS, sender, options);
}

/** Takes a digest (status_history_digest(), in its own transaction), returning it. */
export async function takeDigest(client: pg.ClientBase): Promise<Record<string, unknown>> {
  const sql = 'select public.status_history_digest() as digest';
  const { rows } = await client.query<{ digest: Record<string, unknown> }>(sql).catch((err: unknown) => {
    throw new Error(`${sql} failed: ${errorText(err)}`);
  });
  return rows[0]!.digest;
}

// -------------------------------------------------------------------------------------------------------------
// Command line
// -------------------------------------------------------------------------------------------------------------
const argsSchema = z.object({
  file: z.string().min(1, '--file needs a path').optional(),
  webhook: webhookArg.optional(),
  take: z.boolean().default(false),
  batch: integerArg('--batch', 1, 10_000).default(100),
  lease: intervalArg('--lease', '5 minutes').default('5 minutes'),
  once: z.boolean().default(false),
  pollMs: integerArg('--poll-ms', 10, 86_400_000).optional(),
  maxAttempts: integerArg('--max-attempts', 1, 1000).optional(),
  retryDelay: intervalArg('--retry-delay', '1 minute').optional(),
  help: z.boolean().default(false),
});
type Args = z.infer<typeof argsSchema>;

export function parseCommandLine(argv: string[]): Args {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        file: { type: 'string' },
        webhook: { type: 'string' },
        take: { type: 'boolean' },
        batch: { type: 'string' },
        lease: { type: 'string' },
        once: { type: 'boolean' },
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
    maxAttempts: values['max-attempts'],
    retryDelay: values['retry-delay'],
  });
  if (!parsed.success) throw new UsageError(zodIssues(parsed.error));
  if (parsed.data.help) return parsed.data;
  if (!parsed.data.file && !parsed.data.webhook) throw new UsageError('give a sink outside the database: --file PATH and/or --webhook URL');
  if (parsed.data.once && parsed.data.pollMs !== undefined) throw new UsageError('--once and --poll-ms exclude each other');
  return parsed.data;
}

async function main(): Promise<number> {
  let args: Args;
  let database;
  try {
    args = parseCommandLine(process.argv.slice(2));
    if (args.help) {
      console.log(HELP);
      return 0;
    }
    database = existingDatabase();
  } catch (err) {
    console.error(`publish-digests: ${errorText(err)}\n${USAGE}`);
    return 2;
  }

  const file = args.file ? digestFileSink(args.file) : undefined;
  const sender = allOf<DigestMessage>([...(file ? [file.send] : []), ...(args.webhook ? [digestWebhookSink(args.webhook)] : [])]);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let client: pg.Client;
  try {
    client = await connectAsServiceRole(database.url, 'publish-digests');
  } catch (err) {
    file?.close();
    throw new Error(`cannot connect to ${displayUrl(database.url)} (${database.source}): ${errorText(err)}`);
  }
  try {
    if (args.maxAttempts !== undefined) {
      await client.query(`select set_config('app.notification_max_attempts', $1, false)`, [String(args.maxAttempts)]);
    }
    if (args.retryDelay !== undefined) {
      await client.query(`select set_config('app.notification_retry_delay', $1, false)`, [args.retryDelay]);
    }
    if (args.take) {
      const digest = await takeDigest(client);
      console.error(`publish-digests: took digest ${String(digest.digest_id)} (${String(digest.rows)} history rows)`);
    }
    const totals = await publish(client, sender, {
      batch: args.batch,
      lease: args.lease,
      once: args.once,
      pollMs: args.pollMs,
      signal: stop.signal,
      onBatch: (result) => {
        for (const line of batchReport(result, 'digest', args.lease, 're-queue it with requeue_status_history_digests')) console.error(line);
      },
    });
    if (totals.confirmed < totals.delivered) {
      console.error(`publish-digests: ${totals.delivered - totals.confirmed} published digest(s) were not confirmed (lapsed claims): they will be sent again`);
    }
    console.error(`publish-digests: ${summaryLine(totals)}`);
    return totals.failed > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    file?.close();
    await client.end();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`publish-digests: ${errorText(err)}`);
      process.exit(1);
    },
  );
}
