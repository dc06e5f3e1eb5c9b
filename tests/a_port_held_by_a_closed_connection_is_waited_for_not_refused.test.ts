// npm start's ports (54321, 54322) lie in Linux's ephemeral range, so a client connection can get one as its local
// port; once closed it holds the port in TIME_WAIT for a minute with nothing listening, and a listen() fails with
// EADDRINUSE. portBecomesFree (scripts/lib/cluster.ts, used by npm start for the database and the Data API) tells
// that apart from a real listener: it waits, saying so, where a listener is refused at once. (The TIME_WAIT case was
// seen on this machine, a pg client's port holding 54322 while the suite ran; it cannot be made on demand here: a
// node socket that binds its local port sets SO_REUSEADDR, so its TIME_WAIT does not block a listener.)
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { test } from 'node:test';
import { portBecomesFree } from '../scripts/lib/cluster.ts';

const listen = (server: Server, port = 0) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

test('a port held by a real listener is refused at once', async () => {
  const server = createServer();
  await listen(server);
  const port = (server.address() as { port: number }).port;
  try {
    let waited = false;
    const started = Date.now();
    assert.equal(await portBecomesFree(port, 5000, () => (waited = true)), false);
    assert.equal(waited, false);
    assert.ok(Date.now() - started < 2000, 'no waiting');
  } finally {
    server.close();
  }
});
