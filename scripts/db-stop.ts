// npm run db:stop: stops the local Data API and the local database of `npm start` (the data is kept; `npm start`
// starts both again).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { run } from './lib/run.ts';
import { LOCAL_DATA_DIR } from './lib/local.ts';
import { stopLocalDataApi } from './lib/local-api.ts';
import { pgBin } from './lib/system.ts';

console.log(await stopLocalDataApi());
if (!existsSync(path.join(LOCAL_DATA_DIR, 'PG_VERSION'))) {
  console.log(`No local database at ${LOCAL_DATA_DIR}.`);
} else {
  const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  const [cmd, ...args] = [...asPostgres, pgBin('pg_ctl'), '-D', LOCAL_DATA_DIR, '-m', 'fast', '-w', 'stop'];
  const result = await run(cmd!, args, { allowFailure: true });
  console.log(result.code === 0 ? `Stopped the local database (${LOCAL_DATA_DIR}).` : `Not running (${LOCAL_DATA_DIR}).`);
}
