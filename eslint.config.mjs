// ESLint flat config. Formatting belongs to Prettier (.prettierrc.json); these rules look for defects only.
// `npm run lint` runs ESLint and then `prettier --check`; `npm run format` writes both.
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

// Everything tsconfig.json compiles. These files are linted with type information.
const sources = ["functions/**/*.ts", "shared/**/*.ts", "devhost/**/*.ts", "tests/**/*.ts"];

const nodeGlobals = {
  console: "readonly",
  process: "readonly",
  require: "readonly",
  module: "writable",
  __dirname: "readonly",
};

export default defineConfig(
  // Built output, local state and reports; fixtures are data.
  globalIgnores(["dist/", ".data/", "test-artifacts/", "coverage/", "tests/fixtures/"]),

  js.configs.recommended,

  {
    files: sources,
    // Type-aware: the typed rules (no-floating-promises, no-misused-promises, await-thenable, …) find the defects that
    // matter in asynchronous glue. The project service reads tsconfig.json, which covers these folders.
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      eqeqeq: ["error", "always"],
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          args: "after-used",
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrors: "all",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
      // `import type { X }` and `import { type X }` are both in use and both satisfy the rule; what it catches is a
      // value import kept only for types, which loads the module at run time (an Azure SDK, say) for nothing.
      "@typescript-eslint/consistent-type-imports": [
        "error",
        { prefer: "type-imports", fixStyle: "separate-type-imports", disallowTypeAnnotations: false },
      ],
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      // `import x = require("x")` is TypeScript's CommonJS import (module: commonjs); a bare require() is still reported.
      "@typescript-eslint/no-require-imports": ["error", { allowAsImport: true }],
      // Off: 114 hits, all `async` functions without `await` that implement a Promise-returning port (memory adapters,
      // fakes, stand-ins). `async` there is deliberate: a throw becomes a rejection, as the port's callers expect.
      "@typescript-eslint/require-await": "off",
    },
  },

  {
    // Off where `any` is the honest type of the data: test assertions on parsed JSON bodies (`await res.json()`), and
    // the dev host's AMQP boundary over rhea's untyped messages (one file pair, by design). 449 of the family's 454
    // hits were there, none a defect. The product (functions/, shared/) keeps the whole family.
    files: ["tests/**/*.ts", "devhost/service-bus/amqp.ts", "devhost/service-bus/broker.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },

  {
    // The product logs through the Functions InvocationContext (no personal data), never to the console.
    files: ["functions/**/*.ts", "shared/**/*.ts"],
    rules: { "no-console": "error" },
  },

  {
    // Root files outside tsconfig.json (vitest.config.ts): TypeScript syntax, no type information.
    files: ["*.ts"],
    extends: [tseslint.configs.recommended],
  },
  {
    files: ["*.mjs", "*.js", ".ci/**/*.js"],
    languageOptions: { globals: nodeGlobals },
  },
  {
    files: [".ci/**/*.js"],
    languageOptions: { sourceType: "commonjs" },
  },
);
