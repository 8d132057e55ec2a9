import { mkdtemp, rm, stat, chmod, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadOrCreateKeyFile } from "./token-crypto.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("loadOrCreateKeyFile", () => {
  it("creates a 0600 key file once and reads the same key back", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ll-key-"));
    dirs.push(dir);
    const path = join(dir, "data", "token.key");
    const [a, b] = await Promise.all([loadOrCreateKeyFile(path), loadOrCreateKeyFile(path)]);
    expect(a.id).toBe(b.id);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await loadOrCreateKeyFile(path)).id).toBe(a.id);
  });

  it("refuses a key file others can read", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ll-key-"));
    dirs.push(dir);
    const path = join(dir, "token.key");
    await writeFile(path, Buffer.alloc(32, 1).toString("base64"));
    await chmod(path, 0o644);
    await expect(loadOrCreateKeyFile(path)).rejects.toThrow(/readable by others/);
  });
});
