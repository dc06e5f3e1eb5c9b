// npm run db:reset: a clean schema with every migration and the seed, on DATABASE_URL or the local database.
//
// Local database: the `postgres` database is dropped and created again, then compatibility layer,
// migrations (Supabase CLI) and seed. DATABASE_URL: nothing is dropped; pending migrations are applied and
// the seed (idempotent: fixed ids, `on conflict do nothing`) is run. Either way the Data API's schema cache is
// reloaded (NOTIFY pgrst, 'reload schema').
import { adminUrlFor, startCluster, urlFor } from './lib/cluster.ts';
import { applyCompatLayer, applyMigrations, applySeed, withClient } from './lib/database.ts';
import { databaseUrlFromEnv, displayUrl } from './lib/url.ts';
import { LOCAL_DATA_DIR, LOCAL_PORT, LOCAL_PORT_HINT } from './lib/local.ts';
import { ensureSystemPackages } from './lib/system.ts';
import { reloadSchemaCache } from './lib/data-api.ts';

async function main(): Promise<void> {
  const url = databaseUrlFromEnv();
  if (url) {
    await applyCompatLayer(url);
    await applyMigrations(url);
    await applySeed(url);
    await reloadSchemaCache(url); // a Data API in front of it (npm start's, Supabase's) sees the new schema
    console.log(`Migrations and seed applied to DATABASE_URL ${displayUrl(url)}`);
    return;
  }
  await ensureSystemPackages();
  await startCluster({ dataDir: LOCAL_DATA_DIR, port: LOCAL_PORT, portHint: LOCAL_PORT_HINT });
  await withClient(adminUrlFor(LOCAL_PORT, 'template1'), async (c) => {
    await c.query('drop database if exists postgres with (force)');
    await c.query('create database postgres');
  });
  const local = urlFor(LOCAL_PORT);
  await applyCompatLayer(local, adminUrlFor(LOCAL_PORT));
  await applyMigrations(local);
  await applySeed(local);
  await reloadSchemaCache(local); // npm start's Data API, if it runs, reconnects and sees the new schema
  console.log(`Local database reset: ${local}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
