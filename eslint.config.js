import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The server's layers, lowest first: each may import the ones before it, never one after it. `base` is the
 * configuration, logging, error ids and back-off every layer uses; `market` is pure and imports no other layer.
 * docs/ARCHITECTURE.md draws the same picture.
 */
const LAYERS = [
  { name: 'base', paths: ['config.ts', 'log.ts', 'errors.ts', 'backoff.ts'] },
  { name: 'store', paths: ['store'] },
  { name: 'usage', paths: ['usage'] },
  { name: 'market', paths: ['market'], pure: true },
  { name: 'engine', paths: ['engine'] },
  { name: 'ingest', paths: ['ingest'] },
  { name: 'feeds', paths: ['feeds'] },
  { name: 'notify', paths: ['notify'] },
  { name: 'auth', paths: ['auth'] },
  { name: 'cluster', paths: ['cluster'] },
  { name: 'realtime', paths: ['realtime'] },
  { name: 'metrics', paths: ['metrics'] },
  { name: 'http', paths: ['http'] },
  { name: 'app', paths: ['app.ts'] },
  { name: 'main', paths: ['main.ts', 'bench', 'chaos'] },
];
/** Layers that sit side by side: neither may import the other. */
const SIBLINGS = [
  ['engine', 'ingest', 'feeds'],
  ['notify', 'auth'],
  ['realtime', 'http'],
];
const where = (layer) => layer.paths.map((p) => `./server/src/${p}`);
const layerZones = LAYERS.flatMap((layer, i) => {
  const siblings = SIBLINGS.find((group) => group.includes(layer.name)) ?? [];
  const forbidden = LAYERS.filter(
    (other, j) => other !== layer && (j > i || siblings.includes(other.name) || (layer.pure && j > 0)),
  );
  return forbidden.length === 0
    ? []
    : [
        {
          target: where(layer),
          from: forbidden.flatMap(where),
          message: `server/src layers import downwards only (eslint.config.js LAYERS): ${layer.name} may not import this`,
        },
      ];
});

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'e2e/artifacts/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  {
    files: ['client/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // shared/ is imported by the browser and the server alike: it may not reach into either.
    files: ['shared/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**', '@tickwatch/server', '@tickwatch/server/*'],
              message: 'shared/ must not import server code',
            },
            {
              group: ['**/client/**', '@tickwatch/client', '@tickwatch/client/*'],
              message: 'shared/ must not import client code',
            },
            {
              group: ['@aws-sdk/*', 'express', 'socket.io', 'node:*'],
              message: 'shared/ is runtime-neutral: no server libraries',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'server/tsconfig.json' })] },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      'import-x/no-cycle': 'error',
      // A package the server imports must be in server/package.json, not merely hoisted by another one's install.
      'import-x/no-extraneous-dependencies': [
        'error',
        {
          packageDir: ['./server', '.'],
          devDependencies: ['server/src/**/*.test.ts', 'server/src/bench/**', 'server/src/chaos/**'],
        },
      ],
    },
  },
  {
    files: ['client/src/features/**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'client/tsconfig.json' })] },
    rules: {
      // A feature folder is one screen area; what two of them need lives in shared/ or client/src/, not in a sibling.
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: ['alerts', 'auth', 'chart', 'connection', 'notifications', 'watchlist'].map((feature) => ({
            target: `./client/src/features/${feature}`,
            from: './client/src/features',
            except: [`./${feature}`],
            message: 'features do not import each other: move what both need to shared/ or client/src/',
          })),
        },
      ],
    },
  },
  {
    // Only the store talks to DynamoDB (and the SNS channel to SNS); everything else speaks domain types.
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/store/**', 'server/src/notify/sns-channel.ts', 'server/src/bench/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@aws-sdk/*'], message: 'only server/src/store/ imports the AWS SDK' }] },
      ],
    },
  },
  {
    files: [
      'scripts/**',
      'server/src/main.ts',
      'server/src/store/create-tables-cli.ts',
      'server/src/bench/**',
      'server/src/chaos/cli.ts',
      'e2e/bench/**',
      'server/test/support/global-setup.ts',
    ],
    rules: { 'no-console': 'off' },
  },
);
