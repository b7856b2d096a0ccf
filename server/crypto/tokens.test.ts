import { describe, expect, it } from "vitest";
import { openToken, sealToken } from "./tokens";

const aad = { orgId: "org-1", accountId: "acct-1", purpose: "access_token" as const };

describe("token encryption (AES-256-GCM)", () => {
  it("round-trips, with a fresh nonce every time", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const s = sealToken("shpat_secret", aad);
      seen.add(s.ciphertext.split(".")[0]!);
      if (i === 0) expect(openToken(s.ciphertext, aad, s.keyVersion)).toBe("shpat_secret");
    }
    expect(seen.size).toBe(10_000);
  });

  it("refuses another merchant, account or purpose, and any tampering", () => {
    const s = sealToken("shpat_secret", aad);
    expect(() => openToken(s.ciphertext, { ...aad, orgId: "org-2" }, s.keyVersion)).toThrow();
    expect(() => openToken(s.ciphertext, { ...aad, accountId: "acct-2" }, s.keyVersion)).toThrow();
    expect(() => openToken(s.ciphertext, { ...aad, purpose: "refresh_token" }, s.keyVersion)).toThrow();
    const [iv, ct, tag] = s.ciphertext.split(".");
    const flipped = Buffer.from(ct!, "base64url");
    flipped[0] = flipped[0]! ^ 1;
    expect(() => openToken([iv, flipped.toString("base64url"), tag].join("."), aad, s.keyVersion)).toThrow();
  });

  it("reads tokens sealed under an older key version after a rotation", () => {
    process.env.MANIFOLD_SECRET_V7 = "an-older-secret-an-older-secret-0";
    const old = sealToken("shprt_old", aad, 7);
    expect(openToken(old.ciphertext, aad, 7)).toBe("shprt_old");
    expect(() => openToken(old.ciphertext, aad, 1)).toThrow();
    expect(() => openToken(old.ciphertext, aad, 9)).toThrow(/not configured/);
  });
});
