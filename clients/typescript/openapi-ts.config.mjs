// Configuration of @hey-api/openapi-ts (pinned in the root package.json) for the TypeScript client.
// `make ts-client` runs it from this folder. The output, generated/, is ignored by git: it is
// regenerated from openapi.yaml on every check (see README.md here).
import { defineConfig } from '@hey-api/openapi-ts';

export default defineConfig({
  input: '../../openapi.yaml',
  output: {
    path: 'generated',
    // tsconfig.json compiles with module/moduleResolution NodeNext, whose relative imports
    // need the emitted file's extension.
    module: { extension: '.js' },
  },
  // No log files in the working tree when generation fails: errors go to the terminal.
  logs: { file: false },
  parser: {
    patch: {
      // Response date-times are PhraseDateTime: a string with a pattern, because Phrase writes
      // 2026-11-28T17:03:12+0000, which is not RFC 3339 (format: date-time). For this client,
      // give every schema marked x-phrase-date-time the date-time format, so that the
      // transformers below decode it to a Date; V8's Date parses the +0000 form (src/main.ts
      // checks it). The spec itself is not changed.
      schemas: (_name, schema) => {
        if (schema['x-phrase-date-time']) {
          schema.format = 'date-time';
        }
      },
    },
  },
  plugins: [
    // The fetch client is emitted into generated/client: no runtime dependency to install.
    '@hey-api/client-fetch',
    '@hey-api/typescript',
    // Turn `format: date-time` strings (and PhraseDateTime, patched above) into Date objects.
    // bigInt off: the one int64 (IdReferenceLong.id, a user id) is sent in requests, and
    // JSON.stringify cannot serialise a BigInt.
    { name: '@hey-api/transformers', dates: true, bigInt: false },
    { name: '@hey-api/sdk', transformer: true },
  ],
});
