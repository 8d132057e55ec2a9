/**
 * Mail providers that deliver "local+tag@domain" to "local@domain", so the tag says nothing about
 * who the customer is. Elsewhere a "+" may be a real part of the mailbox name and is kept.
 */
const PLUS_TAG_PROVIDERS = new Set([
  "gmail.com",
  "googlemail.com",
  "outlook.com",
  "hotmail.com",
  "live.com",
  "msn.com",
  "icloud.com",
  "me.com",
  "mac.com",
  "fastmail.com",
  "proton.me",
  "protonmail.com",
]);
/** Gmail also ignores dots in the local part. */
const DOT_BLIND_PROVIDERS = new Set(["gmail.com", "googlemail.com"]);

/** Normalises an email for comparison, or returns undefined when it is not an address. */
export function normalizeEmail(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const s = raw
    .trim()
    .toLowerCase()
    .replace(/^mailto:/, "");
  const at = s.lastIndexOf("@");
  if (at <= 0 || at === s.length - 1) return undefined;
  let local = s.slice(0, at);
  let domain = s.slice(at + 1);
  if (domain === "googlemail.com") domain = "gmail.com";
  if (PLUS_TAG_PROVIDERS.has(domain)) {
    const plus = local.indexOf("+");
    if (plus > 0) local = local.slice(0, plus);
  }
  if (DOT_BLIND_PROVIDERS.has(domain)) local = local.replace(/\./g, "");
  return `${local}@${domain}`;
}
