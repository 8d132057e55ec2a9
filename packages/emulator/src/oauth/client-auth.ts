import type { EmulatorState } from "../state.js";

/** The client id from `Authorization: Basic base64(id:secret)` when the pair is a known app. */
export function authenticateClient(
  state: EmulatorState,
  authorization: string | undefined,
): string | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(authorization ?? "");
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  const id = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  return state.apps.get(id) === secret ? id : undefined;
}

/** The default app accepts any loopback redirect URI (any port, any path), and nothing else. */
export function isLoopbackRedirect(uri: string): boolean {
  try {
    const u = new URL(uri);
    return (
      (u.protocol === "http:" || u.protocol === "https:") &&
      (u.hostname === "127.0.0.1" || u.hostname === "localhost" || u.hostname === "[::1]")
    );
  } catch {
    return false;
  }
}

/** OAuth request parameters, form-encoded (Intuit's) or JSON (what some clients send to revoke). */
export async function readParams(req: { header(name: string): string | undefined; text(): Promise<string> }) {
  const text = await req.text();
  const type = req.header("content-type") ?? "";
  if (type.includes("json")) {
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      return new Map(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
    } catch {
      return new Map<string, string>();
    }
  }
  return new Map(new URLSearchParams(text));
}
