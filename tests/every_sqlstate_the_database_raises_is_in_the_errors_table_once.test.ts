// Every SQLSTATE of the project's own (PMxyz) that the current schema raises is in docs/errors.md, and each
// code there names one rule: a code reused for a second rule (PM601 was once both "responsibility maintenance
// refused" and "not a status history digest") cannot be told apart by an app or a retry loop. Reads
// supabase/schemas/ (the current state, proven equal to the migrations elsewhere); needs no database.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../scripts/lib/database.ts';

const SCHEMAS = path.join(ROOT, 'supabase', 'schemas');

/** code -> the files raising it, from `errcode = 'PMxyz'` in the schema files. */
function raised(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const file of readdirSync(SCHEMAS).filter((f) => f.endsWith('.sql'))) {
    const text = readFileSync(path.join(SCHEMAS, file), 'utf8');
    for (const m of text.matchAll(/errcode\s*=\s*'(PM\d{3})'/g)) {
      out.set(m[1]!, (out.get(m[1]!) ?? new Set()).add(file));
    }
  }
  return out;
}

/** code -> how many rows of docs/errors.md's table name it in their first cell. */
function documented(): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of readFileSync(path.join(ROOT, 'docs', 'errors.md'), 'utf8').split('\n')) {
    const first = /^\|([^|]+)\|/.exec(line)?.[1];
    for (const m of (first ?? '').matchAll(/`(PM\d{3})`/g)) out.set(m[1]!, (out.get(m[1]!) ?? 0) + 1);
  }
  return out;
}

test('every PM SQLSTATE the schema raises is documented in docs/errors.md', () => {
  const codes = raised();
  assert.ok(codes.size >= 20, `the schema's codes were found (${codes.size})`);
  const docs = documented();
  const missing = [...codes.keys()].filter((c) => !docs.has(c)).sort();
  assert.deepEqual(missing, [], `raised by supabase/schemas/ but not in docs/errors.md: ${missing.join(', ')}`);
  const stale = [...docs.keys()].filter((c) => !codes.has(c)).sort();
  assert.deepEqual(stale, [], `in docs/errors.md but raised nowhere in supabase/schemas/: ${stale.join(', ')}`);
});

test('each PM SQLSTATE is one row of docs/errors.md, and one area of the schema raises it', () => {
  const twice = [...documented()].filter(([, n]) => n > 1).map(([c]) => c);
  assert.deepEqual(twice, [], `codes documented in more than one row: ${twice.join(', ')}`);
  // A code raised from two areas (schema files) is most likely one code for two rules.
  const spread = [...raised()].filter(([, files]) => files.size > 1).map(([c, files]) => `${c} (${[...files].join(', ')})`);
  assert.deepEqual(spread, [], `codes raised from more than one schema area: ${spread.join('; ')}`);
});
