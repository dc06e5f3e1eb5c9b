// A PostgreSQL cluster of the project's own: initdb + pg_ctl in a directory we choose, on a port we choose,
// listening on 127.0.0.1 and a unix socket inside the data directory. No system service is assumed.
//
// Shaped like Supabase's: initdb makes `supabase_admin` the bootstrap superuser (Supabase's image does the
// same, POSTGRES_USER=supabase_admin); the compatibility layer (supabase/compat/supabase.sql, run as
// supabase_admin) then creates `postgres` as a NON-superuser, the role migrations, seed and tests use.
//
// PostgreSQL refuses to run as root, so when we are root the cluster belongs to the `postgres` OS user
// (created by Debian's postgresql-common) and every server-side command runs as that user.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from './run.ts';
import { pgBin, serverSettings } from './system.ts';
import { buildUrl } from './url.ts';

/** The platform's superuser: owns what Supabase owns; only the harness connects as it. */
export const ADMIN_USER = 'supabase_admin';
/** The developer's role, as on Supabase: not a superuser. */
export const APP_USER = 'postgres';
/** Local/throwaway clusters only: every role's password is `postgres`, like `supabase start`. */
export const PASSWORD = 'postgres';

export interface Cluster {
  dataDir: string;
  port: number;
  /** As `postgres` (not a superuser). */
  url: string;
  /** As `supabase_admin` (the superuser), for what only the platform may do. */
  adminUrl: string;
  stop(): Promise<void>;
}

interface OsUser {
  uid: number;
  gid: number;
}

function serverUser(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

function asServerUser(): { uid?: number; gid?: number } {
  const user = serverUser();
  return user ? { uid: user.uid, gid: user.gid } : {};
}

export function urlFor(port: number, database = 'postgres', user = APP_USER): string {
  return buildUrl({ port, user, password: PASSWORD, database });
}

export function adminUrlFor(port: number, database = 'postgres'): string {
  return urlFor(port, database, ADMIN_USER);
}

/** True when nothing listens on 127.0.0.1:port. */
export async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** True when something accepts connections on 127.0.0.1:port. */
export function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * True once 127.0.0.1:port can be listened on. A port in the ephemeral range (54321 and 54322 are) can be held
 * for up to a minute by a closed client connection that happened to get it as its local port (TIME_WAIT), with
 * nothing listening: then this waits (up to `ms`, saying so once) instead of failing. A real listener: false.
 */
export async function portBecomesFree(port: number, ms = 75_000, onWait?: () => void): Promise<boolean> {
  const deadline = Date.now() + ms;
  let told = false;
  for (;;) {
    if (await portIsFree(port)) return true;
    if ((await portAccepts(port)) || Date.now() > deadline) return false;
    if (!told) {
      onWait?.();
      told = true;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** The message printed while waiting on a port held by a closed connection. */
export const portWaitMessage = (port: number) =>
  `port ${port} on 127.0.0.1 is held by a closed connection (TIME_WAIT, nothing listens); waiting up to 75 s for it…`;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function ownDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const user = serverUser();
  if (user) chownSync(dir, user.uid, user.gid);
}

async function initdb(dataDir: string): Promise<void> {
  const pwfile = path.join(dataDir, '..', `.pwfile-${path.basename(dataDir)}`);
  writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o644 });
  try {
    await run(
      pgBin('initdb'),
      ['-D', dataDir, '-U', ADMIN_USER, `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256',
        '--encoding=UTF8', '--locale=C.UTF-8', '--no-instructions'],
      asServerUser(),
    );
  } finally {
    rmSync(pwfile, { force: true });
  }
}

export interface StartOptions {
  dataDir: string;
  port: number;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
  /** Printed with a busy-port error: how the user picks another port. */
  portHint?: string;
}

/** The port a running cluster listens on (postmaster.pid's fourth line), or undefined. */
export function runningPort(dataDir: string): number | undefined {
  try {
    const line = readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[3];
    const port = Number(line);
    return Number.isInteger(port) && port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

export function isRunning(dataDir: string): boolean {
  return existsSync(path.join(dataDir, 'postmaster.pid'));
}

/** Creates the cluster if the data directory is empty, then starts it (or finds it already running). */
export async function startCluster({ dataDir, port, settings = {}, portHint }: StartOptions): Promise<Cluster> {
  ownDirectory(path.dirname(dataDir));
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    ownDirectory(dataDir);
    await initdb(dataDir);
  }
  const stop = async () => {
    await run(pgBin('pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop'], { ...asServerUser(), allowFailure: true });
  };
  let status = await run(pgBin('pg_ctl'), ['-D', dataDir, 'status'], { ...asServerUser(), allowFailure: true });
  if (status.code === 0 && runningPort(dataDir) !== port) {
    // Running on another port (the configured port changed): restart on the configured one.
    await stop();
    status = await run(pgBin('pg_ctl'), ['-D', dataDir, 'status'], { ...asServerUser(), allowFailure: true });
  }
  if (status.code !== 0) {
    if (!(await portBecomesFree(port, 75_000, () => console.error(portWaitMessage(port))))) {
      throw new Error(`port ${port} on 127.0.0.1 is already in use by another program, so PostgreSQL cannot listen on it.\n` +
        (portHint ?? 'Stop that program or choose another port.'));
    }
    const all: Record<string, string> = {
      ...serverSettings(),
      port: String(port),
      listen_addresses: '127.0.0.1',
      unix_socket_directories: dataDir,
      ...settings,
    };
    const opts = Object.entries(all).map(([k, v]) => `-c ${k}=${v}`).join(' ');
    await run(
      pgBin('pg_ctl'),
      ['-D', dataDir, '-l', path.join(dataDir, 'server.log'), '-w', '-t', '60', '-o', opts, 'start'],
      asServerUser(),
    );
  }
  return { dataDir, port, url: urlFor(port), adminUrl: adminUrlFor(port), stop };
}

/** Server settings for a disposable cluster: durability off, because nothing in it must survive a crash. */
export const THROWAWAY_SETTINGS: Record<string, string> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  max_connections: '100',
  shared_buffers: '256MB',
};

// Throwaway clusters still running; stopped and deleted on SIGINT/SIGTERM (Ctrl-C) as on a normal exit.
const throwaways = new Set<() => Promise<void>>();
let signalHandlersInstalled = false;

function stopThrowawaysOnSignal(): void {
  if (signalHandlersInstalled) return;
  signalHandlersInstalled = true;
  // npm passes Ctrl-C on and may follow with SIGTERM: every signal waits for the one cleanup, then exits.
  let cleanup: Promise<unknown> | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (!cleanup) {
        if (throwaways.size > 0) console.error(`\n${signal}: stopping and deleting ${throwaways.size} throwaway cluster(s)…`);
        cleanup = Promise.allSettled([...throwaways].map((stop) => stop()));
      }
      void cleanup.then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
}

/** A brand-new cluster in a temporary directory on a free port; `stop()` also deletes it (so does Ctrl-C). */
export async function startThrowawayCluster(settings: Record<string, string> = {}): Promise<Cluster> {
  stopThrowawaysOnSignal();
  const base = mkdtempSync(path.join(tmpdir(), 'peer-mentor-pg-'));
  const dataDir = path.join(base, 'data');
  let cluster: Cluster | undefined;
  let stopping: Promise<void> | undefined;
  // Idempotent: the normal exit path and a signal may both call it; they share one stop-and-delete.
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (cluster) await cluster.stop();
      else await run(pgBin('pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], { ...asServerUser(), allowFailure: true });
      rmSync(base, { recursive: true, force: true });
      throwaways.delete(stop);
    })();
    return stopping;
  };
  throwaways.add(stop);
  try {
    const port = await freePort();
    cluster = await startCluster({ dataDir, port, settings: { ...THROWAWAY_SETTINGS, ...settings } });
  } catch (err) {
    await stop();
    throw err;
  }
  return { ...cluster, stop };
}
