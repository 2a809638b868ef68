// Layering rules from DESIGN.md: a layer under src/ imports only layers listed before it;
// strategies import only the public entry (src/index.ts, via the package name 'lockstep').
// TypeScript is parsed through Babel (@babel/preset-typescript): dependency-cruiser's own
// TypeScript support needs the typescript 5 JS API, which TypeScript 7 does not ship.
// Babel drops type-only imports, so the rules check runtime imports.
const LAYERS = ['core', 'config', 'engine', 'exec', 'book', 'sim', 'data', 'analytics', 'ml', 'backtest', 'live', 'session', 'optimize', 'cli'];

const layerRules = LAYERS.map((layer, i) => ({
  name: `layer-${layer}`,
  comment: `src/${layer} may import only ${LAYERS.slice(0, i).join(', ') || 'nothing else in src'}`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: `^src/(${LAYERS.slice(i + 1).join('|') || '__none__'})/` },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'backtest-live-independent',
      comment: 'backtest and live both build on engine and sim; neither imports the other',
      severity: 'error',
      from: { path: '^src/live/' },
      to: { path: '^src/backtest/' },
    },
    {
      name: 'strategies-public-entry-only',
      comment: 'strategies import only the public entry (lockstep → src/index.ts)',
      severity: 'error',
      from: { path: '^strategies/' },
      to: { path: '^src/', pathNot: '^src/index\\.ts$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'src-not-tests',
      comment: 'library code never imports test helpers or benchmarks',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules', '^dist/'] },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: false,
    babelConfig: { fileName: '.babelrc.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
