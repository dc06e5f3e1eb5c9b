// npm run lint:sql: squawk over every migration and rollback script, configured in .squawk.toml
// (PostgreSQL 15, each file in one transaction, the live-database rules on), plus one rule of our own:
// every `squawk-ignore` annotation states its reason.
//
// Prints one line per violation (file:line:column rule: message, then squawk's help) and exits 1 if
// there is any; exits 0 with a one-line summary when everything is clean.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ROOT } from './lib/database.ts';
import { run } from './lib/run.ts';

const USAGE = 'Usage: npm run lint:sql [-- <file.sql> ...]   (default: supabase/migrations/*.sql and supabase/rollbacks/*.sql)';
const SQUAWK = path.join(ROOT, 'node_modules', '.bin', 'squawk');
const CONFIG = path.join(ROOT, '.squawk.toml');
const DIRECTORIES = ['supabase/migrations', 'supabase/rollbacks'];

const args = z
  .array(z.string().regex(/\.sql$/, 'arguments are .sql files'))
  .safeParse(process.argv.slice(2).filter((a) => a !== '--'));
if (!args.success) {
  console.error(`${args.error.issues.map((i) => i.message).join('; ')}\n${USAGE}`);
  process.exit(2);
}

function defaultFiles(): string[] {
  return DIRECTORIES.flatMap((dir) =>
    existsSync(path.join(ROOT, dir))
      ? readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.sql')).sort().map((f) => path.join(dir, f))
      : [],
  );
}

const files = args.data.length > 0 ? args.data.map((f) => path.relative(ROOT, path.resolve(f))) : defaultFiles();
for (const f of files) {
  if (!existsSync(path.join(ROOT, f))) {
    console.error(`no such file: ${f}\n${USAGE}`);
    process.exit(2);
  }
}
if (files.length === 0) {
  console.error(`no SQL files found under ${DIRECTORIES.join(', ')}\n${USAGE}`);
  process.exit(2);
}

/** squawk's JSON reporter (lines and columns are 0-based). */
const SquawkViolation = z.object({
  file: z.string(),
  line: z.number(),
  column: z.number(),
  level: z.string(),
  message: z.string(),
  help: z.string().nullable().optional(),
  rule_name: z.string(),
});
type Violation = { file: string; line: number; column: number; rule: string; message: string; help?: string };

async function squawk(): Promise<Violation[]> {
  const result = await run(SQUAWK, ['--config', CONFIG, '--reporter', 'json', ...files], { cwd: ROOT, allowFailure: true });
  // Exit 1 means "violations found"; anything else (or output that is not the JSON report) is squawk failing.
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout.trim() || '[]');
  } catch {
    throw new Error(`squawk exited with ${result.code} without a JSON report:\n${result.stderr || result.stdout}`);
  }
  const report = z.array(SquawkViolation).parse(parsed);
  if (result.code > 1 || (result.code === 1 && report.length === 0)) {
    throw new Error(`squawk exited with ${result.code}:\n${result.stderr || result.stdout}`);
  }
  return report.map((v) => ({
    file: path.relative(ROOT, path.resolve(ROOT, v.file)),
    line: v.line + 1,
    column: v.column + 1,
    rule: v.rule_name,
    message: v.message,
    help: v.help ?? undefined,
  }));
}

/**
 * Our rule: an annotation says why. `-- squawk-ignore[-file] <rules>` needs either ` -- <reason>` after the
 * rule names or a comment line with text directly above it.
 */
function annotationsWithoutReason(file: string, text: string): Violation[] {
  const lines = text.split('\n');
  const out: Violation[] = [];
  lines.forEach((line, i) => {
    const m = /^\s*--\s*(squawk-ignore(?:-file)?)\b(.*)$/.exec(line);
    if (!m) return;
    const sameLineReason = /\s--\s*\S/.test(m[2] ?? '');
    const above = i > 0 ? lines[i - 1] ?? '' : '';
    const reasonAbove = /^\s*--\s*\S/.test(above) && !/squawk-ignore/.test(above);
    if (!sameLineReason && !reasonAbove) {
      out.push({
        file,
        line: i + 1,
        column: line.indexOf('--') + 1,
        rule: 'annotation-needs-reason',
        message: `\`${m[1]}\` without a reason`,
        help: 'say why the exception is safe on the comment line directly above it, or after ` -- ` on the same line',
      });
    }
  });
  return out;
}

async function main(): Promise<number> {
  const violations = [
    ...(await squawk()),
    ...files.flatMap((f) => annotationsWithoutReason(f, readFileSync(path.join(ROOT, f), 'utf8'))),
  ].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);

  for (const v of violations) {
    console.log(`${v.file}:${v.line}:${v.column} ${v.rule}: ${v.message}`);
    if (v.help) console.log(`    help: ${v.help}`);
    if (!['annotation-needs-reason', 'unused-ignore'].includes(v.rule)) console.log(`    see: https://squawkhq.com/docs/${v.rule}`);
  }
  const filesWith = new Set(violations.map((v) => v.file)).size;
  if (violations.length > 0) {
    console.log(`\nlint:sql: ${violations.length} violation(s) in ${filesWith} of ${files.length} file(s) (config: .squawk.toml)`);
    return 1;
  }
  console.log(`lint:sql: ${files.length} file(s) clean (squawk, PostgreSQL 15, config: .squawk.toml)`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
