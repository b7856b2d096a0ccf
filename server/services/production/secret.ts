import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { getSecret } from "@/server/secrets";

/**
 * Programme app secrets at rest: AES-256-GCM, a fresh nonce per encryption, AAD binding the ciphertext to
 * its merchant and programme (a secret copied into another row does not decrypt). The key is derived
 * from MANIFOLD_SECRET with its own HKDF label, so it is never the key of another purpose.
 */
let key: Buffer | null = null;
const keyOf = () =>
  (key ??= Buffer.from(hkdfSync("sha256", getSecret("MANIFOLD_SECRET"), "manifold/production-programme", "v1", 32)));

const aad = (orgId: string, programmeId: string) => Buffer.from(`${orgId}|${programmeId}`, "utf8");

export function sealProgrammeSecret(plaintext: string, orgId: string, programmeId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyOf(), iv);
  cipher.setAAD(aad(orgId, programmeId));
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv, ct, cipher.getAuthTag()].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

export function openProgrammeSecret(sealed: string, orgId: string, programmeId: string): string {
  const [version, iv, ct, tag] = sealed.split(".");
  if (version !== "v1" || !iv || !ct || !tag) throw new Error("malformed programme secret");
  const decipher = createDecipheriv("aes-256-gcm", keyOf(), Buffer.from(iv, "base64url"));
  decipher.setAAD(aad(orgId, programmeId));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
}
