// Lint: typescript-eslint with type information, plus the workflow sandbox boundary.
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

// Workflows run in Temporal's deterministic sandbox: no Node built-ins, no I/O clients, and
// activities only as types (`import type`), never as values.
const forbiddenInWorkflowZone = {
  paths: [
    ...builtinModules.flatMap((name) => [name, `node:${name}`]),
  ].map((name) => ({ name, message: 'Node built-ins are not available in the workflow sandbox.' })),
  patterns: [
    { group: ['@aws-sdk/*'], message: 'The AWS SDK does I/O: call it from an activity.' },
    { group: ['@duckdb/*'], message: 'DuckDB does I/O: call it from an activity.' },
    { group: ['@temporalio/activity', '@temporalio/worker', '@temporalio/client'], message: 'Only @temporalio/workflow and @temporalio/common belong in workflow code.' },
    {
      group: ['**/activities', '**/activities/*', '**/activities/**'],
      allowTypeImports: true,
      message: 'Import activities as types only (`import type`) and call them through proxyActivities.',
    },
  ],
};

/** The zone rule plus: no relative import that leaves the zone (`escape` matches such a path). */
const zone = (escape) => ({
  'no-restricted-imports': ['error', {
    ...forbiddenInWorkflowZone,
    patterns: [
      ...forbiddenInWorkflowZone.patterns,
      { regex: escape, allowTypeImports: true, message: 'Workflow code may import only from src/workflow-safe (the workflow-safe zone).' },
    ],
  }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.tools/**', '.s3bridge/**', 'coverage/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.mjs', 'bin/*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  { files: ['workflows/*.ts'], rules: zone('^\\.\\./src/(?!workflow-safe(/|$))') },
  { files: ['workflows/*/*.ts'], rules: zone('^\\.\\./\\.\\./src/(?!workflow-safe(/|$))') },
  { files: ['src/workflow-safe/*.ts'], rules: zone('^\\.\\./') },
  { files: ['src/workflow-safe/*/*.ts'], rules: zone('^\\.\\./\\.\\./') },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  { files: ['eslint.config.mjs'], ...tseslint.configs.disableTypeChecked },
  // The executable is plain CommonJS: it requires the compiled CLI (dist/src/cli/main.js).
  { files: ['bin/*.js'], ...tseslint.configs.disableTypeChecked },
  { files: ['bin/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  // Loaded by path with `require` by Temporal (worker, client) and webpack (workflow bundle): plain CommonJS.
  {
    files: ['**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', exports: 'writable' }, parserOptions: { projectService: false, project: null } },
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
  },
);
