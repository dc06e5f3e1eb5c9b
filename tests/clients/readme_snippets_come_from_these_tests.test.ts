// No untested supabase-js snippet: every ```ts / ```js block in README.md and docs/*.md is either the code
// between `// #region readme: …` and `// #endregion` in a test under tests/clients/ (character for character,
// indentation aside), or the README's five-line script, which runs here against a throwaway Data API as a
// reader would run it against `npm start`'s (the URL, the anon key and a demo user's token in the environment).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT } from '../../scripts/lib/database.ts';
import { userAccessToken } from '../../scripts/lib/jwt.ts';
import { startApiFixture, USER, type ApiFixture } from '../support/data-api.ts';

const DOCS = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => path.join('docs', f))];
const FIVE_LINE_START = "import { createClient } from '@supabase/supabase-js'";

function dedent(text: string): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

function codeBlocks(file: string): { lang: string; code: string }[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/^```(ts|js|typescript|javascript)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, code: dedent(m[2]!) }));
}

function regions(): Map<string, string> {
  const dir = path.join(ROOT, 'tests', 'clients');
  const out = new Map<string, string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.test.ts'))) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    for (const m of text.matchAll(/^[ \t]*\/\/ #region readme: (.+)\n([\s\S]*?)^[ \t]*\/\/ #endregion$/gm)) {
      out.set(dedent(m[2]!), `${file}: ${m[1]}`);
    }
  }
  return out;
}

function fiveLineScript(): string {
  const scripts = codeBlocks('README.md').filter((b) => b.code.startsWith(FIVE_LINE_START));
  assert.equal(scripts.length, 1, 'README.md has one five-line script');
  return scripts[0]!.code;
}

let f: ApiFixture;
before(async () => (f = await startApiFixture('clients_readme')));
after(async () => f?.close());

test('every supabase-js snippet in README.md and docs/ is the code of a client test', () => {
  const tested = regions();
  assert.ok(tested.size >= 5, 'the tests mark their README regions');
  let checked = 0;
  for (const file of DOCS) {
    for (const block of codeBlocks(file)) {
      if (block.code.startsWith(FIVE_LINE_START)) continue; // run below
      checked += 1;
      assert.ok(tested.has(block.code), `${file}: this snippet is no test's code (mark it with // #region readme: in tests/clients/):\n${block.code}`);
    }
  }
  assert.ok(checked >= 5, `README.md's snippets were found (${checked})`);
});

test('the five-line script is five lines', () => {
  assert.equal(fiveLineScript().split('\n').length, 5);
});

/** Runs the script in a child process: asynchronously, since the Data API it calls is served by this process. */
function runFiveLines(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-'], {
      cwd: ROOT, // resolves @supabase/supabase-js from the project, as quickstart.mjs saved in the project does
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 30_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(fiveLineScript());
  });
}

test("the five-line script, with the URL, the anon key and Cora's token, prints her board", async () => {
  const run = await runFiveLines({ SUPABASE_URL: f.api.url, SUPABASE_ANON_KEY: f.api.anonKey, SUPABASE_ACCESS_TOKEN: userAccessToken(USER.cora) });
  assert.equal(run.code, 0, run.stderr);
  for (const name of ['Max Multi', 'Mia Mentor', 'Sara Solo', 'Tor Tromsø']) assert.ok(run.stdout.includes(`full_name: '${name}'`), `${name} in:\n${run.stdout}`);
  assert.ok(!run.stdout.includes('Rita Riga'), 'and only hers');
});

test('the five-line script with only the URL and the anon key prints anon\'s refusal', async () => {
  const run = await runFiveLines({ SUPABASE_URL: f.api.url, SUPABASE_ANON_KEY: f.api.anonKey });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /code: '42501'/);
  assert.match(run.stdout, /permission denied for view coordinator_board/);
});
