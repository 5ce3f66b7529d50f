import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    // Child-process tests run bin/campaign, i.e. dist/: never against a build older than src/.
    globalSetup: ["test/global-setup.ts"],
  },
});
