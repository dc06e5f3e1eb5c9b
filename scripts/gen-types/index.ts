// The two generated files for one database: types/database.ts from the pinned upstream generator (postgres-meta.ts),
// types/schemas.ts from the same generator's metadata (metadata.ts, zod.ts). The CLI is scripts/gen-types.ts.
import { renderDatabaseFile } from './postgres-meta.ts';
import { readMetadata } from './metadata.ts';
import { renderZodSchemas } from './zod.ts';

export interface GeneratedFile {
  /** Relative to the repository root, e.g. types/database.ts */
  path: string;
  content: string;
}

export async function generate(url: string): Promise<GeneratedFile[]> {
  const [database, meta] = await Promise.all([renderDatabaseFile(url), readMetadata(url)]);
  return [
    { path: 'types/database.ts', content: database },
    { path: 'types/schemas.ts', content: renderZodSchemas(meta) },
  ];
}
