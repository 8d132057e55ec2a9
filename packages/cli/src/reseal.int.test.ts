import { systemClock } from "@ledgerlink/core";
import { tokenKey } from "@ledgerlink/qbo";
import { ConnectionService, loadConfig, webhookSecretSealer } from "@ledgerlink/server";
import { openStore, type Store } from "@ledgerlink/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ledgerlink, startCliWorld, type CliWorld } from "../test/cli-harness.js";
import type { ResealJson } from "./commands/reseal.js";

const oldKey = Buffer.alloc(32, 9).toString("base64"); // the CLI world's key
const newKey = Buffer.alloc(32, 77).toString("base64");
const keyId = (sealed: string) => sealed.split(".")[1];

/**
 * Rotating LEDGERLINK_TOKEN_KEY end to end: secrets sealed under the old key (a QuickBooks grant, a
 * webhook endpoint's current and previous signing secrets), `ledgerlink reseal` run as a subprocess
 * with the new key and the old one retired, and afterwards the new key alone opens everything.
 */
describe("ledgerlink reseal (SQLite)", () => {
  let w: CliWorld;
  let store: Store;
  const service = (env: Record<string, string>) =>
    new ConnectionService({ store, config: loadConfig({ ...w.env, ...env }), clock: systemClock });

  beforeAll(async () => {
    w = await startCliWorld();
    store = await openStore({ url: w.dbUrl });
    await store.ensureCompany("acme", "Acme");
    const before = service({});
    await before.connectToEmulatorAutomatically("acme");
    const sealer = webhookSecretSealer(before);
    const outbound = store.company("acme").outbound;
    const at = new Date().toISOString();
    const endpoint = await outbound.createEndpoint({
      url: "https://hooks.example/ledgerlink",
      description: "the app",
      eventTypes: ["record.synced"],
      sealedSecret: await sealer.seal("acme", "whsec_first-secret-0123456789"),
      secretHint: "6789",
      at,
    });
    await outbound.rotateSecret(endpoint.id, {
      sealedSecret: await sealer.seal("acme", "whsec_second-secret-abcdefghij"),
      secretHint: "ghij",
      previousUntil: new Date(Date.now() + 86_400_000).toISOString(),
      at,
    });
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await w?.close();
  });

  it("seals every secret again under the new key, changes nothing the second time, and the old key can go", async () => {
    const rotated = { LEDGERLINK_TOKEN_KEY: newKey, LEDGERLINK_TOKEN_KEYS_RETIRED: oldKey };
    const first = await ledgerlink(["reseal", "--json"], { ...w.env, ...rotated });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout) as ResealJson).toEqual({ grants: 1, webhookSecrets: 2, retiredKeys: 1 });

    const again = await ledgerlink(["reseal"], { ...w.env, ...rotated });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("0 QuickBooks connections, 0 webhook signing secrets");
    expect(again.stdout).toContain("remove LEDGERLINK_TOKEN_KEYS_RETIRED");

    const grant = (await store.connections.load("acme"))!.sealedGrant!;
    const [endpoint] = await store.company("acme").outbound.listEndpoints();
    const signing = await store.company("acme").outbound.signingEndpoint(endpoint!.id);
    for (const sealed of [grant, signing.sealedSecret, signing.previousSealedSecret!])
      expect(keyId(sealed)).toBe(tokenKey(newKey).id);

    // The new key alone: QuickBooks answers, and both signing secrets open to what they were.
    const onlyNew = service({ LEDGERLINK_TOKEN_KEY: newKey });
    expect((await (await onlyNew.clientFor("acme")).readCompanyInfo()).CompanyName).toBeTruthy();
    const sealer = webhookSecretSealer(onlyNew);
    expect(await sealer.open("acme", signing.sealedSecret)).toBe("whsec_second-secret-abcdefghij");
    expect(await sealer.open("acme", signing.previousSealedSecret!)).toBe("whsec_first-secret-0123456789");
    // No secret reached the terminal.
    for (const secret of ["whsec_first-secret-0123456789", "whsec_second-secret-abcdefghij", newKey, oldKey])
      expect(first.stdout + first.stderr + again.stdout + again.stderr).not.toContain(secret);
  });

  it("names the key that is missing when a secret was sealed with a key that is not configured", async () => {
    const lost = await ledgerlink(["reseal"], {
      ...w.env,
      LEDGERLINK_TOKEN_KEY: Buffer.alloc(32, 5).toString("base64"),
    });
    expect(lost.code).toBe(2);
    expect(lost.stderr).toMatch(
      /Company acme's QuickBooks connection is sealed with token key \S+, which is not configured/,
    );
    expect(lost.stderr).toContain("LEDGERLINK_TOKEN_KEYS_RETIRED");
  });
});
