// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const NO_SIBLING_FUNCTION = {
  regex: '^\\.\\./(?!\\.\\.)[^/]+/',
  message: 'import what functions share from shared/, not from a sibling function',
};
const NO_POWERTOOLS_LOGGER_IN_APPS = {
  group: ['@aws-lambda-powertools/logger'],
  message: 'depend on the Logger port (shared/ports/logger.ts); handler.ts builds the Powertools logger',
};

/**
 * zod in every file. esbuild cannot tree-shake zod's `z` re-export: `import { z }` bundles every
 * locale (+360 KB per function). Mini's `z.meta()`/`z.describe()` are checks that `z.compile` does
 * not know, so the field they sit on parses on the slow path: `z.withMeta()` (shared/zod.ts) instead.
 */
const ZOD_EVERYWHERE = [
  {
    selector:
      "ImportDeclaration[source.value=/^zod(\\/mini)?$|\\/zod\\.js$/][importKind='value'] > ImportSpecifier[imported.name='z'], ImportDeclaration[source.value=/^zod(\\/mini)?$|\\/zod\\.js$/][importKind='value'] > ImportDefaultSpecifier",
    message: 'import * as z from … (a named or default `z` import bundles every zod locale)',
  },
  {
    selector: "CallExpression[callee.object.name='z'][callee.property.name=/^(meta|describe)$/]",
    message: 'z.withMeta(schema, { … }) (shared/zod.ts): a z.meta()/z.describe() check keeps z.compile off the field',
  },
];
/** Bundled code (shared/, functions/, events/) takes zod from shared/zod.ts: Zod Mini, with its messages. */
const ZOD_IN_BUNDLES = [
  ...ZOD_EVERYWHERE,
  {
    selector: "ImportDeclaration[source.value=/^zod(\\/.*)?$/][importKind='value']",
    message: "import * as z from '<rel>/shared/zod.js': classic zod bundles all of zod (+55 KiB), and Mini alone has no messages",
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.data/', 'bench/results/', 'coverage/', 'dist/', 'test-artifacts/'] },
  eslint.configs.recommended,
  // Type-checked: floating and misused promises, `any` leaking out of JSON.parse and SDK items,
  // needless assertions. The TypeScript project of each file (web/ has its own) is found by the
  // project service.
  ...tseslint.configs.recommendedTypeChecked,
  { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    rules: {
      // Off: an `async` method without `await` is how a port's implementation keeps the port's
      // contract (a throw becomes a rejected promise, as the callers expect), not a mistake.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      'no-restricted-syntax': ['error', ...ZOD_EVERYWHERE],
    },
  },
  {
    files: ['shared/**/*.ts', 'functions/**/*.ts', 'events/**/*.ts'],
    ignores: ['shared/zod.ts'],
    rules: { 'no-restricted-syntax': ['error', ...ZOD_IN_BUNDLES] },
  },
  {
    // The domain stays pure: no AWS SDK, no Node I/O in shared/ outside the adapters. The adapters
    // include the Lambda side of the SQS consumers (shared/adapters/lambda/: Powertools' batch
    // processor), which functions/ used to keep in a `lib` folder that was not a function.
    files: ['shared/**/*.ts'],
    ignores: ['shared/adapters/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@aws-sdk/*', '@aws-lambda-powertools/*', 'node:fs', 'node:child_process'] }],
    },
  },
  {
    // Tests read responses and stored items as JSON to assert on them; `any` there is the point.
    files: ['tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    // A function's folder is its own: what two functions share lives in shared/ (a sibling import
    // bundles one function's code into another and hides the shared concept). And apps take a
    // Logger port (shared/ports/logger.ts); only handlers build Powertools' Logger. One entry per
    // file set: ESLint replaces, not merges, a rule configured twice for the same file.
    files: ['functions/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_SIBLING_FUNCTION] }] },
  },
  {
    files: ['functions/*/app.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_SIBLING_FUNCTION, NO_POWERTOOLS_LOGGER_IN_APPS] }] },
  },
  {
    // The function registry and its rights are read by the local runtime and the bench too: plain data, no CDK.
    files: ['infra/functions.ts', 'infra/permissions.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk-nag'] }],
    },
  },
);
