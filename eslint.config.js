// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layersPlugin } from './eslint/layers.js';

const CHAT_SDKS = [
  '@microsoft/teams.*',
  // The archived Bot Framework SDK and teams-ai 1.x, should they ever come back.
  'botbuilder',
  'botbuilder-*',
  '@microsoft/teams-ai',
  '@microsoft/teams-*',
  '@slack/*',
  'adaptivecards',
];

/** Architecture boundaries (README, Architecture): checked in CI, not hoped for. */
const boundaries = [
  {
    files: ['**/*.ts'],
    plugins: { layers: layersPlugin },
    rules: { 'layers/one-way': 'error' },
  },
  {
    files: ['scanner/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: CHAT_SDKS, message: 'scanner/ must not depend on a chat SDK.' }],
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
