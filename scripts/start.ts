// npm start: a local Supabase-shaped PostgreSQL (version and port from supabase/config.toml [db]; PG_MAJOR
// overrides the version) on 127.0.0.1 with every migration and the demo data. A second run reuses the running
// (or stopped) cluster and applies only pending migrations.
import { startCluster } from './lib/cluster.ts';
import { applyCompatLayer, applyMigrations, applySeed, serverVersion, withClient } from './lib/database.ts';
import { databaseUrlFromEnv } from './lib/url.ts';
import { LOCAL_DATA_DIR, LOCAL_PORT, LOCAL_PORT_HINT } from './lib/local.ts';
import { ensureSystemPackages } from './lib/system.ts';

async function main(): Promise<void> {
  let url = databaseUrlFromEnv();
  let adminUrl: string | undefined;
  if (!url) {
    await ensureSystemPackages();
    const cluster = await startCluster({ dataDir: LOCAL_DATA_DIR, port: LOCAL_PORT, portHint: LOCAL_PORT_HINT });
    url = cluster.url;
    adminUrl = cluster.adminUrl;
  }
  const compat = await applyCompatLayer(url, adminUrl);
  await applyMigrations(url);
  const mentors = await withClient(url, async (c) => Number((await c.query('select count(*) as n from public.peer_mentors')).rows[0].n));
  if (mentors === 0) await applySeed(url);
  const counts = await withClient(url, async (c) =>
    (await c.query(`select (select count(*) from public.peer_mentors) as mentors,
                           (select count(*) from public.peer_mentor_status_history) as history`)).rows[0]);
  console.log(`
Database ready: ${url}
  server: ${await serverVersion(url)}
  Supabase compatibility layer: ${compat === 'applied' ? 'applied (plain PostgreSQL)' : 'present'}
  peer_mentors: ${counts.mentors}, peer_mentor_status_history: ${counts.history}

Try:
  psql ${url} -c 'select id, status, status_reason from public.peer_mentors'
  export DATABASE_URL=${url}   # every npm script honours it
  npm run smoke -- ${url}
  npm run db:stop`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
