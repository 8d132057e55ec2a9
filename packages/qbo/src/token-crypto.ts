import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { link, mkdir, readFile, stat, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * AES-256-GCM for tokens at rest. Sealed form: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url),
 * where keyId fingerprints the key so a rotated-out key can still open old records. The company id
 * is bound in as associated data: a grant copied onto another company's row does not open.
 */
export interface TokenKey {
  id: string;
  key: Buffer;
}

/** Accepts a 32-byte key as 64 hex characters or base64/base64url. */
export function tokenKey(material: string | Buffer): TokenKey {
  let key: Buffer;
  if (Buffer.isBuffer(material)) key = material;
  else if (/^[0-9a-fA-F]{64}$/.test(material.trim())) key = Buffer.from(material.trim(), "hex");
  else key = Buffer.from(material.trim(), "base64");
  if (key.length !== 32) {
    throw new RangeError(
      `token encryption key must be 32 bytes (64 hex or 44 base64 characters), got ${key.length} bytes`,
    );
  }
  return { id: createHash("sha256").update(key).digest("base64url").slice(0, 8), key };
}

export function sealToken(plaintext: string, key: TokenKey, associatedData: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key.key, iv);
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return ["v1", key.id, iv.toString("base64url"), tag.toString("base64url"), ct.toString("base64url")].join(
    ".",
  );
}

/** Opens with whichever of `keys` sealed it (the current key first, then retired ones). */
export function openToken(sealed: string, keys: readonly TokenKey[], associatedData: string): string {
  const parts = sealed.split(".");
  if (parts.length !== 5 || parts[0] !== "v1") throw new Error("sealed token is not in the v1 format");
  const [, keyId, iv, tag, ct] = parts as [string, string, string, string, string];
  const key = keys.find((k) => k.id === keyId);
  if (!key) throw new Error(`sealed token was encrypted with key ${keyId}, which is not configured`);
  const decipher = createDecipheriv("aes-256-gcm", key.key, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(associatedData, "utf8"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("sealed token failed authentication (wrong key, wrong company, or tampered)");
  }
}

/**
 * The embedded default: a key file beside the SQLite database, created once with 0600
 * permissions. An existing file with looser permissions is refused rather than silently used.
 */
export async function loadOrCreateKeyFile(path: string): Promise<TokenKey> {
  try {
    const info = await stat(path);
    if (process.platform !== "win32" && (info.mode & 0o077) !== 0) {
      throw new Error(
        `token key file ${path} is readable by others (mode ${(info.mode & 0o777).toString(8)}); chmod 600 it`,
      );
    }
    return tokenKey((await readFile(path, "utf8")).trim());
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  await mkdir(dirname(path), { recursive: true });
  const material = randomBytes(32).toString("base64");
  // Written in full under a private name, then linked into place: a racing process either wins
  // the link or reads the complete file, never a half-written one, and never overwrites a key.
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(tmp, material + "\n", { mode: 0o600, flag: "wx" });
  try {
    await link(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return loadOrCreateKeyFile(path);
    throw e;
  } finally {
    await unlink(tmp);
  }
  return tokenKey(material);
}
