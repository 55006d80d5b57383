/**
 * Loading runbooks from a directory: one document per .yaml, .yml or .json file, named after the file
 * without its extension (as a document created from that file would be).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type Runbook, RunbookError } from './runbook';
import { toRunbook } from './runbook-document';

const PARSERS: Readonly<Record<string, (text: string) => unknown>> = {
  '.yaml': (text) => parseYaml(text),
  '.yml': (text) => parseYaml(text),
  '.json': (text) => JSON.parse(text),
};

/** Loads one runbook file. @throws RunbookError naming the file */
export const loadRunbookFile = (file: string): Runbook => {
  const extension = extname(file).toLowerCase();
  const parser = PARSERS[extension];
  if (!parser)
    throw new RunbookError(file, `unsupported extension '${extension}' (use .yaml, .yml or .json)`);
  let doc: unknown;
  try {
    doc = parser(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new RunbookError(
      file,
      `cannot be read or parsed (${cause instanceof Error ? cause.message : String(cause)})`,
      { cause },
    );
  }
  return toRunbook(basename(file, extname(file)), file, doc);
};

/** Loads every .yaml/.yml/.json file of a directory, keyed by document name. @throws RunbookError */
export const loadRunbooks = (dir: string): ReadonlyMap<string, Runbook> => {
  const runbooks = new Map<string, Runbook>();
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && Object.hasOwn(PARSERS, extname(entry.name).toLowerCase()))
    .map((entry) => join(dir, entry.name))
    .sort();
  for (const file of files) {
    const runbook = loadRunbookFile(file);
    const existing = runbooks.get(runbook.name);
    if (existing)
      throw new RunbookError(file, `document name '${runbook.name}' is also defined by ${existing.file}`);
    runbooks.set(runbook.name, runbook);
  }
  return runbooks;
};
