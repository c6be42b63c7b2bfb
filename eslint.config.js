// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const CHAT_SDKS = [
  'botbuilder',
  'botbuilder-*',
  '@microsoft/teams-ai',
  '@microsoft/teams-*',
  '@slack/*',
  'adaptivecards',
];

/** Architecture boundaries (architecture.md): checked in CI, not hoped for. */
const boundaries = [
  {
    files: ['scanner/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/bot/**', '**/cards/**', '**/store/**', '**/cli/**', '**/evidence/**'],
              message: 'scanner/ knows nothing of chat, cards, storage or the CLI: pass data in instead.',
            },
            { group: CHAT_SDKS, message: 'scanner/ must not depend on a chat SDK.' },
          ],
        },
      ],
    },
  },
  {
    files: ['cards/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/bot/**', '**/store/**', '**/cli/**', '**/sources/**'],
              message: 'cards/ are pure View → JSON functions.',
            },
            {
              group: [
                ...CHAT_SDKS,
                '@azure/*',
                'lowdb',
                'node:fs',
                'node:fs/*',
                'fs',
                'node:http',
                'node:https',
                'node:net',
                'node:child_process',
              ],
              message: 'cards/ must not use SDKs or do I/O.',
            },
          ],
        },
      ],
    },
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.certify/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  { files: ['scripts/**', 'test/**', 'bin/**'], rules: { 'no-console': 'off' } },
  ...boundaries,
);
