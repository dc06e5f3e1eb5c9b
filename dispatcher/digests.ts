// Status-history digests as they live outside the database: what one is (the jsonb public.status_history_digest()
// returns, see docs/tamper-evidence.md), how a digest file is written (one JSON digest per line, appended) and read
// (JSON lines, or one JSON array; a line may also be a published envelope `{"digest": {...}, ...}`).
import { z } from 'zod';

/** One digest. Only version, digest_id and root are needed to verify; the other fields are kept as they are. */
export const DigestSchema = z.looseObject({
  version: z.number().int().positive(),
  digest_id: z.number().int().positive(),
  root: z.string().regex(/^[0-9a-f]{64}$/i, 'root must be 64 hex digits'),
  taken_at: z.string().optional(),
  rows: z.number().int().nonnegative().optional(),
  previous_root: z.string().nullable().optional(),
});
export type Digest = z.infer<typeof DigestSchema>;

/** One line of a digest file: the digest as JSON, newline-terminated. */
export function digestLine(digest: unknown): string {
  return `${JSON.stringify(digest)}\n`;
}

export interface DigestFile {
  /** Distinct digests, by digest_id (ascending). */
  digests: Digest[];
  /** Entries that repeated a digest already read (at-least-once delivery writes some twice): skipped. */
  duplicates: number;
  /** Digest ids that appear with different contents: the file contradicts itself (reported, never skipped). */
  conflicts: { digestId: number; where: string[] }[];
}

export class DigestFileError extends Error {}

function entries(text: string, file: string): { where: string; value: unknown }[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (err) {
      throw new DigestFileError(`${file}: not a JSON array (${err instanceof Error ? err.message : String(err)})`);
    }
    if (!Array.isArray(parsed)) throw new DigestFileError(`${file}: not a JSON array`);
    return parsed.map((value, i) => ({ where: `${file}[${i}]`, value }));
  }
  const out: { where: string; value: unknown }[] = [];
  const bad: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push({ where: `${file}:${i + 1}`, value: JSON.parse(line) });
    } catch {
      bad.push(`${file}:${i + 1}`);
    }
  });
  if (bad.length > 0) {
    throw new DigestFileError(`${bad.join(', ')}: not a JSON digest (a digest file holds one JSON digest per line, or one JSON array); fix or remove these lines`);
  }
  return out;
}

/** Reads a digest file's text; throws DigestFileError naming every line that is not a digest. */
export function parseDigestFile(text: string, file: string): DigestFile {
  const byId = new Map<number, { digest: Digest; canonical: string; where: string[]; conflicting: boolean }>();
  let duplicates = 0;
  const invalid: string[] = [];
  for (const { where, value } of entries(text, file)) {
    const candidate = value !== null && typeof value === 'object' && 'digest' in value && typeof (value as { digest: unknown }).digest === 'object'
      ? (value as { digest: unknown }).digest
      : value;
    const parsed = DigestSchema.safeParse(candidate);
    if (!parsed.success) {
      invalid.push(`${where}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'digest'}: ${i.message}`).join('; ')}`);
      continue;
    }
    const canonical = JSON.stringify(sortKeys(parsed.data));
    const seen = byId.get(parsed.data.digest_id);
    if (!seen) {
      byId.set(parsed.data.digest_id, { digest: parsed.data, canonical, where: [where], conflicting: false });
    } else {
      seen.where.push(where);
      if (seen.canonical === canonical) duplicates += 1;
      else seen.conflicting = true;
    }
  }
  if (invalid.length > 0) throw new DigestFileError(`not a digest:\n  ${invalid.join('\n  ')}`);
  const all = [...byId.values()].sort((a, b) => a.digest.digest_id - b.digest.digest_id);
  return {
    digests: all.map((e) => e.digest),
    duplicates,
    conflicts: all.filter((e) => e.conflicting).map((e) => ({ digestId: e.digest.digest_id, where: e.where })),
  };
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}
