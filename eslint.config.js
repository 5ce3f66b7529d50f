// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const pureCoreImports = {
  patterns: [
    { group: ["node:*"], message: "the pure core takes I/O as arguments: no node: modules here" },
    { group: ["undici", "undici/*"], message: "only src/laaffic/ speaks HTTP" },
    { group: ["listr2", "listr2/*"], message: "progress rendering belongs to src/apply/ and src/cli/" },
  ],
  paths: ["fs", "path", "os", "http", "https", "net", "child_process", "crypto"].map((name) => ({
    name,
    message: "the pure core takes I/O as arguments: no Node built-ins here",
  })),
};

// The CLI only wires: it reaches the core through src/app/ (use cases) and src/views/ (renderers).
const CORE_FOLDERS = ["state", "laaffic", "apply", "campaigns", "reports", "pg", "simulator"];
const cliImports = {
  patterns: CORE_FOLDERS.map((folder) => ({
    group: [`../${folder}/*`, `../${folder}`],
    message: `src/cli/ reaches ${folder}/ only through a use case in src/app/ (or a view in src/views/)`,
  })),
};

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "src/schema/generated/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        URL: "readonly",
        performance: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setImmediate: "readonly",
        Buffer: "readonly",
        structuredClone: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    // plan/ and the pure parts of campaigns/ never touch the filesystem, network or terminal.
    files: ["src/plan/**/*.ts", "src/campaigns/**/*.ts"],
    ignores: ["src/campaigns/files.ts"],
    rules: { "no-restricted-imports": ["error", pureCoreImports] },
  },
  {
    files: ["src/cli/**/*.ts"],
    rules: { "no-restricted-imports": ["error", cliImports] },
  },
);
