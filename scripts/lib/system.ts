// The system packages this project needs, and how they get onto a machine.
//
// PostgreSQL 15 server binaries, pgTAP, pg_cron, plpgsql_check and pg_prove come from Debian's packages. As root
// on Debian/Ubuntu they are installed with apt; anywhere else we stop with the exact command to run.
// The PostgreSQL major version comes from supabase/config.toml ([db] major_version), PG_MAJOR overrides it.
import { existsSync } from 'node:fs';
import { readDbConfig, type PgMajor } from './config.ts';
import { run } from './run.ts';

export const PG_MAJOR: PgMajor = readDbConfig().majorVersion;

const DEBIAN_BIN = (major: number) => `/usr/lib/postgresql/${major}/bin`;
const DEBIAN_SHARE = (major: number) => `/usr/share/postgresql/${major}`;
const DEBIAN_LIB = (major: number) => `/usr/lib/postgresql/${major}/lib`;

export const PG_BIN = process.env.PG_BIN ?? DEBIAN_BIN(PG_MAJOR);
export const PG_SHARE = DEBIAN_SHARE(PG_MAJOR);
export const PG_LIB = DEBIAN_LIB(PG_MAJOR);
const PG_PROVE = '/usr/bin/pg_prove';

const PACKAGES: ReadonlyArray<{ pkg: string; present: () => boolean }> = [
  { pkg: 'postgresql-15', present: () => existsSync(`${DEBIAN_BIN(15)}/initdb`) && existsSync(`${DEBIAN_BIN(15)}/postgres`) },
  { pkg: 'postgresql-contrib', present: () => existsSync(`${DEBIAN_SHARE(15)}/extension/pgcrypto.control`) },
  { pkg: 'postgresql-15-pgtap', present: () => existsSync(`${DEBIAN_SHARE(15)}/extension/pgtap.control`) },
  { pkg: 'postgresql-15-cron', present: () => existsSync(`${DEBIAN_SHARE(15)}/extension/pg_cron.control`) },
  { pkg: 'postgresql-15-plpgsql-check', present: () => existsSync(`${DEBIAN_SHARE(15)}/extension/plpgsql_check.control`) },
  { pkg: 'libtap-parser-sourcehandler-pgtap-perl', present: () => existsSync(PG_PROVE) },
];

export function pgBin(tool: string): string {
  return `${PG_BIN}/${tool}`;
}

/** True when this server build has the pg_cron library (then clusters preload it). */
export function hasPgCron(): boolean {
  return existsSync(`${PG_SHARE}/extension/pg_cron.control`) && existsSync(`${PG_LIB}/pg_cron.so`);
}

/**
 * Settings every cluster of ours starts with: pg_cron preloaded where it is installed, scheduling in the
 * `postgres` database (like Supabase), so the compatibility layer can create the extension there.
 */
export function serverSettings(): Record<string, string> {
  return hasPgCron() ? { shared_preload_libraries: 'pg_cron', 'cron.database_name': 'postgres' } : {};
}


/** Installs (as root, with apt) or names the missing Debian packages. Idempotent and quick when all are present. */
export async function ensureSystemPackages(): Promise<void> {
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
