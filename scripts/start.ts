// npm start: a local Supabase-shaped PostgreSQL (version and port from supabase/config.toml [db]; PG_MAJOR
// overrides the version) on 127.0.0.1 with every migration and the demo data, and the Data API in front of it
// (PostgREST under /rest/v1 on [api] port, scripts/lib/local-api.ts). A second run reuses the running (or
// stopped) cluster and applies only pending migrations, and reuses a healthy Data API (reloading its schema
// cache). It prints the API URL and keys the way `supabase status` does.
import { startCluster } from './lib/cluster.ts';
import { applyCompatLayer, applyMigrations, applySeed, serverVersion, withClient } from './lib/database.ts';
import { databaseUrlFromEnv } from './lib/url.ts';
import { LOCAL_DATA_DIR, LOCAL_PORT, LOCAL_PORT_HINT } from './lib/local.ts';
import { ensureSystemPackages } from './lib/system.ts';
import { ANON_KEY, demoAccessToken, LOCAL_JWT_SECRET, SERVICE_ROLE_KEY } from './lib/jwt.ts';
import { ensureLocalDataApi, LOCAL_API_LOG } from './lib/local-api.ts';

/** The seed's coordinator Cora and mentor Mia (supabase/seed.sql). */
const DEMO = { cora: 'c0000000-0000-4000-8000-000000000001', mia: 'd0000000-0000-4000-8000-000000000001' } as const;

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
  const api = await ensureLocalDataApi(url);
  console.log(`
Database ready: ${url}
  server: ${await serverVersion(url)}
  Supabase compatibility layer: ${compat === 'applied' ? 'applied (plain PostgreSQL)' : 'present'}
  peer_mentors: ${counts.mentors}, peer_mentor_status_history: ${counts.history}
Data API ${api.reused ? 'running (schema cache reloaded)' : 'started'}: PostgREST 12.0.2 (log: ${LOCAL_API_LOG})${api.note ? `\n  note: ${api.note}` : ''}

         API URL: ${api.url}
        REST URL: ${api.restUrl}
          DB URL: ${url}
      JWT secret: ${LOCAL_JWT_SECRET}
        anon key: ${ANON_KEY}
service_role key: ${SERVICE_ROLE_KEY}

No Auth server runs here: a signed-in user's access token is minted locally (supabase-js: createClient(url, anonKey,
{ accessToken: async () => token })). The demo's coordinator Cora and mentor Mia:
    Cora's token: ${demoAccessToken(DEMO.cora, 'cora@example.org')}
     Mia's token: ${demoAccessToken(DEMO.mia, 'mia@example.org')}

Try (the five-line script in README.md, saved as quickstart.mjs):
  SUPABASE_URL=${api.url} SUPABASE_ANON_KEY=<anon key> SUPABASE_ACCESS_TOKEN=<Cora's token> npm exec -- node quickstart.mjs
  psql ${url} -c 'select id, status, status_reason from public.peer_mentors'
  export DATABASE_URL=${url}   # every npm script that talks to a database then uses it (docs/local-database.md)
  npm run smoke -- ${url}
  npm run db:stop              # stops the Data API and the database`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
