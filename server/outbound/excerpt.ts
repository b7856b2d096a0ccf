/**
 * What is kept of an answer from a merchant-typed endpoint: never the raw body (the endpoint is not
 * ours, and a body echoed back to the merchant is what turns a blind request into a readable one), only
 * a short excerpt with control and bidi characters removed and whitespace folded.
 */
export const EXCERPT_MAX = 300;

// C0/C1 controls, zero-width and bidi controls, BOM.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

export function sanitizedExcerpt(body: Buffer | string, max = EXCERPT_MAX): string {
  const text = (typeof body === "string" ? body : body.subarray(0, max * 4).toString("utf8")).replace(UNSAFE, " ").replace(/\s+/g, " ").trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
