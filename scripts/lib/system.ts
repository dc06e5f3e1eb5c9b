// The system packages this project needs, and how they get onto a machine.
//
// PostgreSQL 15 server binaries, the pgTAP extension and pg_prove come from Debian's packages. As root on
// Debian/Ubuntu they are installed with apt; anywhere else we stop with the exact command to run.
import { existsSync } from 'node:fs';
import { run } from './run.ts';

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const PGTAP_CONTROL = '/usr/share/postgresql/15/extension/pgtap.control';
const PG_PROVE = '/usr/bin/pg_prove';

const PACKAGES: ReadonlyArray<{ pkg: string; present: () => boolean }> = [
  { pkg: 'postgresql-15', present: () => existsSync(`${PG_BIN}/initdb`) && existsSync(`${PG_BIN}/postgres`) },
  { pkg: 'postgresql-contrib', present: () => existsSync('/usr/share/postgresql/15/extension/pgcrypto.control') },
  { pkg: 'postgresql-15-pgtap', present: () => existsSync(PGTAP_CONTROL) },
  { pkg: 'libtap-parser-sourcehandler-pgtap-perl', present: () => existsSync(PG_PROVE) },
];

export function pgBin(tool: string): string {
  return `${PG_BIN}/${tool}`;
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
