// The local Data API of `npm start`, in the background: PostgREST and its /rest/v1 gateway (scripts/lib/data-api.ts)
// until SIGTERM (`npm run db:stop`). Started by scripts/lib/local-api.ts, which passes its settings in the
// environment; it writes its state (pids, ports) to LOCAL_API_STATE once ready and removes it when it stops.
// Its output goes to the log file named in that state. Not a command of its own: use `npm start`.
import { rmSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { startDataApi } from './lib/data-api.ts';
import { PostgresUrl } from './lib/url.ts';

const env = z.object({
  LOCAL_API_DB_URI: PostgresUrl,
  LOCAL_API_PORT: z.coerce.number().int().min(1).max(65535),
  LOCAL_API_STATE: z.string().min(1),
  LOCAL_API_PORT_HINT: z.string().optional(),
}).safeParse(process.env);
if (!env.success) {
  console.error(`Usage: started by \`npm start\` (scripts/lib/local-api.ts), not by hand.\n${z.prettifyError(env.error)}`);
  process.exit(2);
}
const { LOCAL_API_DB_URI, LOCAL_API_PORT, LOCAL_API_STATE, LOCAL_API_PORT_HINT } = env.data;

const stamp = () => new Date().toISOString();
try {
  const api = await startDataApi({
    dbUri: LOCAL_API_DB_URI,
    port: LOCAL_API_PORT,
    portHint: LOCAL_API_PORT_HINT,
    log: (line) => console.log(`${stamp()} ${line}`),
  });
  writeFileSync(LOCAL_API_STATE, `${JSON.stringify({
    pid: process.pid,
    postgrestPid: api.postgrestPid,
    port: api.port,
    postgrestPort: api.postgrestPort,
    startedAt: stamp(),
  }, null, 2)}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${stamp()} ${signal}: stopping`);
    void api.stop().finally(() => {
      rmSync(LOCAL_API_STATE, { force: true });
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // A PostgREST crash is logged by the gateway, which keeps answering with a clear 503 until `npm start` restarts it.
  void api.postgrestExited.then(({ code, signal }) => {
    if (!stopping) console.error(`${stamp()} PostgREST exited (exit code ${code ?? 'none'}, signal ${signal ?? 'none'}); the gateway now answers 503. Run \`npm start\` to restart it.`);
  });
} catch (err) {
  console.error(`${stamp()} ERROR ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
