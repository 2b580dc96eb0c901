import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for graphql-request from the schema the gateway exposes (`npm run codegen`
 * first writes it with `koe schema`) and the dashboard's operations.
 */
const config: CodegenConfig = {
  schema: 'schema/koe.graphql',
  documents: ['examples/dashboard/*.graphql', 'examples/dashboard/src/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'examples/dashboard/generated/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        // persisted-documents.json ({sha256: text}) is what `koe documents publish` registers; the
        // documents carry their hash, so a client can send `documentId` instead of the text.
        persistedDocuments: { mode: 'embedHashInDocument', hashAlgorithm: 'sha256' },
      },
      config: {
        // NodeNext needs explicit .js extensions in the generated imports (STACK.md pitfall 5).
        emitLegacyCommonJSImports: false,
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', ID: 'string' },
      },
    },
  },
};

// eslint-disable-next-line import/no-default-export -- graphql-codegen reads the default export
export default config;
