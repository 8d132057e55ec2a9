import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

// Tests import sibling packages from source so a test run never depends on a stale build.
const alias = {
  "@ledgerlink/core": pkg("core"),
  "@ledgerlink/qbo": pkg("qbo"),
  "@ledgerlink/emulator": pkg("emulator"),
  "@ledgerlink/store": pkg("store"),
  "@ledgerlink/server": pkg("server"),
};

export default defineConfig({
  resolve: { alias },
  test: {
    // Vitest's default is cores - 1: one worker on a 2-core CI machine. Most suites wait on PostgreSQL,
    // the emulator over HTTP or a child process, so three workers keep both cores busy.
    maxWorkers: 3,
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "scripts/**/*.test.ts"],
          exclude: ["packages/*/src/**/*.int.test.ts", "**/node_modules/**"],
          // The matcher's 3,000-entity tests share two cores with the integration suites in CI.
          testTimeout: 20_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "int",
          // test/ holds the scenario tests that walk through the seed articles over HTTP.
          include: ["packages/*/src/**/*.int.test.ts", "packages/*/test/**/*.int.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Browser and HTTP tests poll for what arrives with the next refresh or delivery pass; 1 s (the
          // default) is too short on a loaded 2-core CI machine.
          expect: { poll: { timeout: 15_000 } },
        },
      },
    ],
  },
});
