import next from "eslint-config-next/core-web-vitals";
import tseslint from "typescript-eslint";

const config = [
  {
    ignores: [
      ".next*/**",
      "node_modules/**",
      ".data/**",
      "dist/**",
      "lib/db/generated/**",
      "test-results/**",
      "playwright-report/**",
      "reports/**",
      ".stryker-tmp/**",
      "next-env.d.ts",
    ],
  },
  ...next,
  ...tseslint.configs.recommendedTypeChecked.map((c) => ({ ...c, files: ["**/*.ts", "**/*.tsx"] })),
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    // Layers run one way: lib/db → lib/data → lib/auth → app/, with lib/actor.ts (who acts)
    // importable by all; components/ get server actions from their route as props. Tests
    // cross layers on purpose (they set up accounts, keys and calls), so they are exempt.
    // Cycles: scripts/check-import-cycles.ts (import/no-cycle took 74 % of the lint run).
    files: ["**/*.ts", "**/*.tsx"],
    ignores: ["**/*.test.ts", "**/*-test-support.ts", "**/test-helpers.ts", "e2e/**"],
    rules: {
      "import/no-restricted-paths": [
        "error",
        {
          zones: [
            {
              target: "./lib",
              from: "./app",
              message: "lib/ must not import from app/: move the code into lib/.",
            },
            {
              target: "./components",
              from: "./app",
              message: "components/ must not import from app/: pass server actions in as props.",
            },
            {
              target: ["./lib/db", "./lib/data"],
              from: "./lib/auth",
              // Pure helpers (hashing, schemas) that import nothing of the session.
              except: ["./password.ts", "./account.schema.ts", "./new-password.schema.ts"],
              message: "Layers run db → data → auth: use lib/actor.ts for the actor.",
            },
            {
              target: ["./lib/db", "./lib/data", "./lib/auth"],
              from: "./lib/cli",
              message: "The CLI sits on top of the data layer, not under it.",
            },
            {
              target: ["./lib/gateway", "./lib/recorder"],
              from: ["./lib/auth", "./lib/data", "./lib/cli"],
              message: "The gateway and recorder stay free of the dashboard's layers.",
            },
          ],
        },
      ],
    },
  },
];

export default config;
