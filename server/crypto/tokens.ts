import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { getSecret } from "@/server/secrets";

/**
 * Marketplace tokens at rest: AES-256-GCM with a fresh 96-bit nonce per encryption, and AAD binding the
 * ciphertext to its merchant, account and purpose — a token copied into another row does not decrypt.
 * The key is derived (HKDF-SHA256) from MANIFOLD_SECRET; its version is stored beside the ciphertext so
 * a rotation can re-encrypt row by row (older secrets stay readable as MANIFOLD_SECRET_V<n>).
 */

export type TokenPurpose = "access_token" | "refresh_token";
export type TokenAad = { orgId: string; accountId: string; purpose: TokenPurpose };

export const currentKeyVersion = () => Number(process.env.MANIFOLD_SECRET_VERSION ?? 1);

const keys = new Map<number, Buffer>();

function keyFor(version: number): Buffer {
  let key = keys.get(version);
  if (!key) {
    const secret = version === currentKeyVersion() ? getSecret("MANIFOLD_SECRET") : process.env[`MANIFOLD_SECRET_V${version}`];
    if (!secret) throw new Error(`token key version ${version} is not configured`);
    key = Buffer.from(hkdfSync("sha256", secret, "manifold/channel-tokens", `v${version}`, 32));
    keys.set(version, key);
  }
  return key;
}

const aadBytes = (aad: TokenAad) => Buffer.from(`${aad.orgId}|${aad.accountId}|${aad.purpose}`, "utf8");

export type Sealed = { ciphertext: string; keyVersion: number };

export function sealToken(plaintext: string, aad: TokenAad, keyVersion = currentKeyVersion()): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFor(keyVersion), iv);
  cipher.setAAD(aadBytes(aad));
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return { ciphertext: [iv, ct, tag].map((b) => b.toString("base64url")).join("."), keyVersion };
}

/** Throws when the ciphertext was tampered with, or belongs to another merchant/account/purpose. */
export function openToken(ciphertext: string, aad: TokenAad, keyVersion: number): string {
  const [iv, ct, tag] = ciphertext.split(".").map((p) => Buffer.from(p, "base64url"));
  if (!iv || !ct || !tag || iv.length !== 12 || tag.length !== 16) throw new Error("malformed token ciphertext");
  const decipher = createDecipheriv("aes-256-gcm", keyFor(keyVersion), iv);
  decipher.setAAD(aadBytes(aad));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ct), decipher.final()]).toString("utf8");
}
