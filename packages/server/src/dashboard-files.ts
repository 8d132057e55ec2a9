import { readFile, stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

/**
 * Where `npm run build` puts the console: packages/dashboard/dist. Resolved from this file, which
 * sits at the same depth in src/ (tests) and dist/ (the built server).
 */
export const defaultDashboardDir = fileURLToPath(new URL("../../dashboard/dist/", import.meta.url));

/**
 * Headers on every console response. Scripts and styles come from this origin only (no inline
 * script: the build emits none), the console cannot be framed (clickjacking on Connect or Merge),
 * and browsers must not guess content types.
 */
export const dashboardSecurityHeaders: Readonly<Record<string, string>> = {
  "content-security-policy": [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; "),
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
};

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};

const compressible = new Set([".html", ".js", ".css", ".svg", ".json", ".txt"]);

interface CachedFile {
  mtimeMs: number;
  size: number;
  body: Uint8Array<ArrayBuffer>;
  gzipped: Uint8Array<ArrayBuffer> | undefined;
  etag: string;
}

export interface DashboardFile {
  status: 200 | 304;
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer> | null;
}

/**
 * Serves the built console from one directory: files as they are (hashed assets cached for a year,
 * index.html revalidated every time), gzip when the browser accepts it, and index.html for any
 * other path so the console's own routes (/errors, /customers/C:1042 …) survive a reload.
 */
export class DashboardFiles {
  private readonly root: string;
  private readonly cache = new Map<string, CachedFile>();

  constructor(dir: string = defaultDashboardDir) {
    this.root = resolve(dir);
  }

  /** The response for a GET of `pathname`, or undefined when the console is not built (or a missing asset). */
  async get(pathname: string, headers: Headers): Promise<DashboardFile | undefined> {
    const file = this.fileFor(pathname);
    const found = file ? await this.load(file) : undefined;
    if (found) return this.respond(file!, found, headers);
    // A missing /assets/… file is a stale page asking for an old build: a 404, not index.html
    // served as JavaScript.
    if (pathname.startsWith("/assets/")) return undefined;
    const index = join(this.root, "index.html");
    const page = await this.load(index);
    return page ? this.respond(index, page, headers) : undefined;
  }

  /** True once `npm run build` has produced the console. */
  async built(): Promise<boolean> {
    return (await this.load(join(this.root, "index.html"))) !== undefined;
  }

  private fileFor(pathname: string): string | undefined {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return undefined;
    }
    if (decoded.includes("\0") || decoded.endsWith("/")) return undefined;
    const full = resolve(this.root, "." + decoded);
    // Never outside the build directory, whatever `..` or encoded separators the path holds.
    return full.startsWith(this.root + sep) ? full : undefined;
  }

  private async load(file: string): Promise<CachedFile | undefined> {
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const hit = this.cache.get(file);
    if (hit && hit.mtimeMs === info.mtimeMs && hit.size === info.size) return hit;
    const body = new Uint8Array(await readFile(file));
    const entry: CachedFile = {
      mtimeMs: info.mtimeMs,
      size: info.size,
      body,
      gzipped:
        compressible.has(extname(file)) && body.length > 1024
          ? new Uint8Array(gzipSync(body, { level: 9 }))
          : undefined,
      etag: `"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"`,
    };
    this.cache.set(file, entry);
    return entry;
  }

  private respond(file: string, f: CachedFile, request: Headers): DashboardFile {
    const isAsset = file.startsWith(join(this.root, "assets") + sep);
    const headers: Record<string, string> = {
      ...dashboardSecurityHeaders,
      "content-type": contentTypes[extname(file)] ?? "application/octet-stream",
      // Hashed file names change with their content; the page itself must be re-checked.
      "cache-control": isAsset ? "public, max-age=31536000, immutable" : "no-cache",
      etag: f.etag,
      vary: "accept-encoding",
    };
    if (request.get("if-none-match") === f.etag) return { status: 304, headers, body: null };
    const gzip = f.gzipped !== undefined && /\bgzip\b/.test(request.get("accept-encoding") ?? "");
    if (gzip) headers["content-encoding"] = "gzip";
    const body = gzip ? f.gzipped! : f.body;
    headers["content-length"] = String(body.length);
    return { status: 200, headers, body };
  }
}
