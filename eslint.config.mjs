import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Folder boundaries (style-anchors §10): api/ is pure vocabulary (api/k8s/ the adapters' shared plumbing); only
// adapters talk to Kubernetes.
const noKubernetesClient = {
  paths: [
    { name: '@kubernetes/client-node', message: 'Only */k8s/ adapters and hack/ may import the Kubernetes client.' },
  ],
};

export default defineConfig(
  { ignores: ['node_modules/**', 'dist/**', 'coverage/**', '.scratch/**', 'test/artifacts/**'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's describe/it return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['api/**/*.ts'],
    ignores: ['api/k8s/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noKubernetesClient.paths,
          patterns: [{ group: ['../*', '!./*'], message: 'api/ imports nothing of Loom outside api/.' }],
        },
      ],
    },
  },
  {
    // api/k8s/ is the adapters' shared Kubernetes plumbing (kept-alive client, informers): client-node, nothing else.
    files: ['api/k8s/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../../*'], message: 'api/k8s/ imports nothing of Loom outside api/.' }] },
      ],
    },
  },
  {
    files: ['scheduler/**/*.ts', 'translator/**/*.ts', 'node-agent/**/*.ts', 'gateway/**/*.ts'],
    ignores: ['**/k8s/**'],
    rules: { 'no-restricted-imports': ['error', noKubernetesClient] },
  },
  {
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    // Plain Node scripts (bin/): no TypeScript program to know Node's globals from.
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { process: 'readonly' } },
  },
);
