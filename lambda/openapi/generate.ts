/**
 * `npm run openapi`: writes docs/openapi.json from buildOpenApiDocument(), formatted by the repository's
 * own formatter (Biome, with biome.json), so `npm run lint` accepts the file as written. test/openapi
 * compares the committed file with formattedDocument(): a change to a route or a schema without
 * regenerating fails the tests.
 *
 * Not part of any Lambda bundle: it runs Biome's binary from node_modules.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument } from './document';

const ROOT = join(__dirname, '..', '..');
export const OPENAPI_FILE = join(ROOT, 'docs', 'openapi.json');

/** The document as committed: JSON formatted by Biome as it formats docs/openapi.json. */
export const formattedDocument = (): string =>
  execFileSync(
    join(ROOT, 'node_modules', '.bin', 'biome'),
    ['format', '--stdin-file-path=docs/openapi.json'],
    { cwd: ROOT, input: JSON.stringify(buildOpenApiDocument()), encoding: 'utf8' },
  );

if (require.main === module) {
  writeFileSync(OPENAPI_FILE, formattedDocument());
  console.log(`wrote ${OPENAPI_FILE}`);
}
