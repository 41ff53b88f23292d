// Lint: typescript-eslint's recommended rules, and the layer rules of ARCHITECTURE.md as code.
import tseslint from 'typescript-eslint';
import importPlugin from 'eslint-plugin-import';

/** Every agent folder under src/, for "X imports none of these". */
const AGENT = ['./src/cli', './src/server', './src/sso', './src/store', './src/core', './src/daemon.ts'];
const ROOT_MODULES = ['./src/errors.ts', './src/logger.ts', './src/paths.ts', './src/package-root.ts', './src/process-warnings.ts', './src/require-cjs.ts', './src/version.ts'];

/** Anything a terminal is reached through: the agent's servers and core never print or prompt. */
const TERMINAL_PROPERTIES = ['stdout', 'stderr', 'stdin'].map((property) => ({
  object: 'process', property, message: 'server, sso and store know no terminal: log through the logger, or answer the CLI over the admin API',
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/**', 'scripts/**', 'test/fixtures/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    plugins: { import: importPlugin },
    settings: {
      // Imports name the emitted `.js`; the resolver maps them to the `.ts` sources.
      'import/resolver': { typescript: { project: './tsconfig.test.json' } },
    },
    rules: {
      // Unused names with a leading underscore are deliberate (a signature's unused parameter).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'import/no-restricted-paths': ['error', {
        zones: [
          // The contract (AgentCore, request and reply types) depends on nothing of the agent.
          { target: './src/core', from: [...AGENT.filter((p) => p !== './src/core'), './src/emulator', ...ROOT_MODULES.filter((p) => p !== './src/errors.ts')], message: 'src/core is the contract: it imports nothing but itself and errors.ts' },
          // store keeps state only: nothing above it.
          { target: './src/store', from: ['./src/cli', './src/server', './src/sso', './src/daemon.ts', './src/emulator'], message: 'store imports nothing above it (data flows cli → admin API → sso → store)' },
          // sso and server serve whoever asks; only the CLI talks to a person.
          { target: ['./src/sso', './src/server'], from: ['./src/cli', './src/daemon.ts'], message: 'server and sso know no terminal and no CLI' },
          { target: './src/sso', from: './src/server', message: 'sso is the core; the servers sit on top of it' },
          // The CLI reaches the core through the admin API and the contract (src/core), never its inside.
          { target: './src/cli', from: ['./src/sso', './src/store', './src/server'], message: 'the CLI reaches the core only through the admin API (src/core/admin-api.ts) and the contract' },
          // The emulator is written independently of the agent, so a misreading of the protocol cannot hide on both sides.
          { target: './src/emulator', from: './src', except: ['./emulator'], message: 'the emulator shares no code with the agent' },
          { target: [...AGENT.filter((p) => p !== './src/cli'), ...ROOT_MODULES], from: './src/emulator', message: 'the agent shares no code with the emulator' },
          { target: ['./src/cli/*.ts', './src/cli/!(commands)/**', './src/cli/commands/!(emulator|demo).ts'], from: './src/emulator', message: 'only the emulator and demo commands start the emulator' },
        ],
      }],
    },
  },
  {
    // Tests read the emulator's and the agent's JSON answers as they come.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/server/**/*.ts', 'src/sso/**/*.ts', 'src/store/**/*.ts', 'src/core/**/*.ts'],
    rules: {
      'no-restricted-properties': ['error', ...TERMINAL_PROPERTIES],
      'no-restricted-imports': ['error', { paths: ['node:tty', 'tty', 'node:readline', 'readline'].map((name) => ({ name, message: 'server, sso and store know no terminal' })) }],
      'no-restricted-syntax': ['error', { selector: "MemberExpression[property.name='isTTY']", message: 'server, sso and store know no terminal' }],
    },
  },
);
