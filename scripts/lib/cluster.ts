// A PostgreSQL 15 cluster of the project's own: initdb + pg_ctl in a directory we choose, on a port we choose,
// listening on 127.0.0.1 and a unix socket inside the data directory. No system service is assumed.
//
// PostgreSQL refuses to run as root, so when we are root the cluster belongs to the `postgres` OS user
// (created by Debian's postgresql-common) and every server-side command runs as that user.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from './run.ts';
import { pgBin } from './system.ts';

export const SUPERUSER = 'postgres';
export const SUPERUSER_PASSWORD = 'postgres';

export interface Cluster {
  dataDir: string;
  port: number;
  url: string;
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

export function urlFor(port: number, database = 'postgres'): string {
  return `postgresql://${SUPERUSER}:${SUPERUSER_PASSWORD}@127.0.0.1:${port}/${database}`;
}

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
  writeFileSync(pwfile, `${SUPERUSER_PASSWORD}\n`, { mode: 0o644 });
  try {
    await run(
      pgBin('initdb'),
      ['-D', dataDir, '-U', SUPERUSER, `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256',
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
}

export function isRunning(dataDir: string): boolean {
  return existsSync(path.join(dataDir, 'postmaster.pid'));
}

/** Creates the cluster if the data directory is empty, then starts it (or finds it already running). */
export async function startCluster({ dataDir, port, settings = {} }: StartOptions): Promise<Cluster> {
  ownDirectory(path.dirname(dataDir));
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    ownDirectory(dataDir);
    await initdb(dataDir);
  }
  const stop = async () => {
    await run(pgBin('pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop'], { ...asServerUser(), allowFailure: true });
  };
  const status = await run(pgBin('pg_ctl'), ['-D', dataDir, 'status'], { ...asServerUser(), allowFailure: true });
  if (status.code !== 0) {
    const all: Record<string, string> = {
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
  return { dataDir, port, url: urlFor(port), stop };
}

/** Server settings for a disposable cluster: durability off, because nothing in it must survive a crash. */
export const THROWAWAY_SETTINGS: Record<string, string> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  max_connections: '100',
  shared_buffers: '256MB',
};

/** A brand-new cluster in a temporary directory on a free port; `stop()` also deletes it. */
export async function startThrowawayCluster(settings: Record<string, string> = {}): Promise<Cluster> {
  const base = mkdtempSync(path.join(tmpdir(), 'peer-mentor-pg-'));
  const dataDir = path.join(base, 'data');
  const port = await freePort();
  const cluster = await startCluster({ dataDir, port, settings: { ...THROWAWAY_SETTINGS, ...settings } });
  return {
    ...cluster,
    stop: async () => {
      await cluster.stop();
      rmSync(base, { recursive: true, force: true });
    },
  };
}
