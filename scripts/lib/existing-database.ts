// The database a command that works on existing data talks to (npm run verify, npm run publish-digests,
// npm run db:rollback):
// DATABASE_URL, else the local database of `npm start` when it is running. Never a throwaway database: a history
// made up on the spot has nothing to verify or publish.
import { runningPort, urlFor } from './cluster.ts';
import { LOCAL_DATA_DIR, LOCAL_PORT } from './local.ts';
import { databaseUrlFromEnv } from './url.ts';

export { displayUrl } from './url.ts';

export interface ExistingDatabase {
  url: string;
  /** For messages: 'DATABASE_URL' or 'the local database (npm start)'. */
  source: string;
}

/** DATABASE_URL, else the running local database; throws naming both when there is neither. */
export function existingDatabase(): ExistingDatabase {
  const url = databaseUrlFromEnv();
  if (url) return { url, source: 'DATABASE_URL' };
  if (runningPort(LOCAL_DATA_DIR) === LOCAL_PORT) return { url: urlFor(LOCAL_PORT), source: `the local database of npm start (port ${LOCAL_PORT})` };
  throw new Error(`no database: set DATABASE_URL (e.g. the project's connection string, as its owner postgres or a member of service_role), or run \`npm start\` for the local database (${LOCAL_DATA_DIR} is not running on port ${LOCAL_PORT})`);
}
