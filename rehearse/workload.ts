// The concurrent workload: a reader and a writer of the baseline columns, each on its own connection, in a
// loop until stopped; every statement's start, end and error are kept for the report.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

export interface Op {
  start: number;
  end: number;
  error?: string;
}

/** A connection of the rehearsal: a generous statement_timeout, so a stuck step shows up as an error, not a hang. */
export async function connect(url: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  await client.connect();
  await client.query(`set statement_timeout = '120s'`);
  return client;
}

export class Worker {
  readonly ops: Op[] = [];
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    readonly name: string,
    private readonly client: pg.Client,
    private readonly pauseMs: number,
    private readonly op: (client: pg.Client, i: number) => Promise<unknown>,
  ) {}

  start(): void {
    this.loop = (async () => {
      for (let i = 0; !this.stopped; i += 1) {
        const start = performance.now();
        try {
          await this.op(this.client, i);
          this.ops.push({ start, end: performance.now() });
        } catch (err) {
          this.ops.push({ start, end: performance.now(), error: err instanceof Error ? err.message : String(err) });
        }
        await sleep(this.pauseMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.client.end();
  }
}

/** Application names of the workload's connections; the monitor and the drill's probe look for them. */
export const READER = 'rehearsal reader';
export const WRITER = 'rehearsal writer';

/** `select *` by primary key, every ~5 ms: what an existing screen does. */
export async function startReader(url: string, pick: () => string): Promise<Worker> {
  const reader = new Worker('reader', await connect(url, READER), 5, (c) => c.query('select * from public.peer_mentors where id = $1', [pick()]));
  reader.start();
  return reader;
}

/**
 * Every ~10 ms, alternately: a new auth user, profile and mentor naming only the baseline columns (a sign-up),
 * and an update of a baseline column of an existing mentor.
 */
export async function startWriter(url: string, pick: () => string): Promise<Worker> {
  const writer = new Worker('writer', await connect(url, WRITER), 10, (c, i) =>
    i % 2 === 0
      ? c.query(`
          with a as (insert into auth.users (id, email) values (gen_random_uuid(), 'writer' || $1 || '@rehearsal.invalid') returning id, email),
               u as (insert into public.users (id, full_name, email) select id, 'Writer ' || $1, email from a returning id)
          insert into public.peer_mentors (user_id) select id from u`, [`${process.pid}-${i}`])
      : c.query('update public.peer_mentors set created_at = created_at where id = $1', [pick()]),
  );
  writer.start();
  return writer;
}
