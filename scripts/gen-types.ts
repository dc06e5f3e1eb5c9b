// npm run gen:types [-- --check]
//
// Writes types/database.ts (the pinned @supabase/postgres-meta typegen's output, the generator behind
// `supabase gen types typescript`) and types/schemas.ts (zod schemas from the same generator's metadata, proven
// equal to it), reading the database at DATABASE_URL or, without it, a throwaway cluster built from the
// migrations. With --check it writes nothing and fails, naming the command to run, when the committed files
// differ from what the schema generates.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { acquireTarget, prepare, ROOT } from './lib/database.ts';
import { generate, type GeneratedFile } from './gen-types/index.ts';

const USAGE = 'Usage: npm run gen:types [-- --check]   (DATABASE_URL: the database to read; unset: a throwaway one from the migrations)';

const args = z
  .array(z.enum(['--check', '--help'], { error: (issue) => `unknown argument ${JSON.stringify(issue.input)}` }))
  .safeParse(process.argv.slice(2));

function differences(files: GeneratedFile[]): string[] {
  return files.flatMap((f) => {
    let committed: string | undefined;
    try {
      committed = readFileSync(path.join(ROOT, f.path), 'utf8');
    } catch {
      return [`${f.path}: missing`];
    }
    if (committed === f.content) return [];
    const a = committed.split('\n');
    const b = f.content.split('\n');
    const line = a.findIndex((l, i) => l !== b[i]);
    const at = line === -1 ? Math.min(a.length, b.length) : line;
    return [`${f.path}: differs from line ${at + 1}\n    committed: ${JSON.stringify(a[at] ?? '<end of file>')}\n    generated: ${JSON.stringify(b[at] ?? '<end of file>')}`];
  });
}

async function main(): Promise<number> {
  if (!args.success) {
    console.error(`${args.error.issues.map((i) => i.message).join('; ')}\n${USAGE}`);
    return 2;
  }
  if (args.data.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const check = args.data.includes('--check');
  const target = await acquireTarget();
  let files: GeneratedFile[];
  try {
    if (target.throwaway) await prepare(target.url, { adminUrl: target.adminUrl });
    files = await generate(target.url);
  } finally {
    await target.release();
  }
  if (check) {
    const stale = differences(files);
    if (stale.length > 0) {
      console.error(`Generated types are stale:\n  ${stale.join('\n  ')}\nRun \`npm run gen:types\` and commit the result.`);
      return 1;
    }
    console.log(`Generated types are up to date (${files.map((f) => f.path).join(', ')}).`);
    return 0;
  }
  for (const f of files) writeFileSync(path.join(ROOT, f.path), f.content);
  console.log(`Wrote ${files.map((f) => f.path).join(', ')} from ${target.throwaway ? 'a throwaway database (the migrations)' : 'DATABASE_URL'}.`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`gen:types failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
