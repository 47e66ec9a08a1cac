import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

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
    // Only the store talks to DynamoDB (and the SNS channel to SNS); everything else speaks domain types.
    files: ['server/src/**/*.ts'],
    ignores: [
      'server/src/store/**',
      'server/src/notify/sns-channel.ts',
      'server/src/http/health-router.ts',
      'server/src/bench/**',
    ],
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
      'e2e/bench/**',
      'server/test/support/global-setup.ts',
    ],
    rules: { 'no-console': 'off' },
  },
);
