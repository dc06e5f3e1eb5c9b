// The type generator as a library: introspect a database, render both files. The CLI is scripts/gen-types.ts.
import path from 'node:path';
import { introspect, type Metadata } from './introspect.ts';
import { renderDatabaseTypes, type DatabaseTypesOptions } from './typescript.ts';
import { renderZodSchemas } from './zod.ts';

export { introspect, renderDatabaseTypes, renderZodSchemas, type Metadata };

export interface GeneratedFile {
  /** Relative to the repository root, e.g. types/database.ts */
  path: string;
  content: string;
}

export interface GenerateOptions extends DatabaseTypesOptions {
  /** The schemas to generate; the Data API exposes `public`. */
  schemas?: string[];
  /** Where the files go, relative to the repository root. */
  outDir?: string;
}

export function render(meta: Metadata, options: GenerateOptions = {}): GeneratedFile[] {
  const outDir = options.outDir ?? 'types';
  return [
    { path: path.posix.join(outDir, 'database.ts'), content: renderDatabaseTypes(meta, options) },
    { path: path.posix.join(outDir, 'schemas.ts'), content: renderZodSchemas(meta) },
  ];
}

export async function generate(url: string, options: GenerateOptions = {}): Promise<GeneratedFile[]> {
  return render(await introspect(url, options.schemas ?? ['public']), options);
}
