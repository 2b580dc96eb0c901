// The import table of docs/architecture.md, enforced. A folder may import only the folders
// listed for it; anything else is a layering break that hides a dependency from a reader.
const layer = (name, from, allowed) => ({
  name: `layer-${name}`,
  comment: `src/${from} may import only: ${allowed.join(', ') || 'nothing else in src'}`,
  severity: 'error',
  from: { path: `^src/${from}/` },
  to: { path: '^src/', pathNot: [`^src/${from}/`, ...allowed.map((a) => `^src/${a}/`)] },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import cycles hide the order modules load in; a type-only cycle is harmless',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    layer('policies', 'policies', []),
    layer('crypto', 'crypto', []),
    layer('request', 'request', ['policies', 'crypto', 'config', 'data']),
    layer('config', 'config', []),
    layer('data', 'data', ['crypto', 'policies', 'config']),
    layer('schema', 'schema', ['policies', 'request']),
    layer('auth', 'auth', ['data', 'audit', 'request', 'crypto', 'policies', 'config']),
    layer('audit', 'audit', ['data', 'request', 'crypto', 'policies', 'config']),
    layer('resolvers', 'resolvers', ['schema', 'policies', 'data', 'audit', 'auth', 'request', 'crypto', 'config']),
    layer('server', 'server', ['schema', 'policies', 'data', 'audit', 'auth', 'request', 'crypto', 'config', 'resolvers']),
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
  },
};
