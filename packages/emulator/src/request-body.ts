import type { IncomingMessage } from "node:http";
import type { Context } from "hono";

/** The Node request behind a Hono context when served by @hono/node-server, else undefined. */
function incomingOf(c: Context): IncomingMessage | undefined {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  return env?.incoming;
}

/**
 * The request body as text. On a socket it is read straight from Node's stream: going through the
 * web Request would build a ReadableStream and an AbortSignal per request, which is most of the
 * emulator's cost over HTTP. In-process it is the Request's body.
 */
export async function readBodyText(c: Context): Promise<string> {
  const incoming = incomingOf(c);
  if (!incoming || incoming.readableEnded) return c.req.text();
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** A request header, read without building a Headers object when Node's is at hand. */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = incomingOf(c);
  if (incoming) {
    const v = incoming.headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(", ") : v;
  }
  return c.req.header(name);
}
