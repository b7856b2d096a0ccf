import { afterAll, describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { DomainError } from "@/server/errors";
import { clientAddress, PEER_HEADER } from "@/server/http/client-address";
import { hashPassword } from "@/server/services/auth/passwords";
import { changePassword } from "@/server/services/auth/profile";
import { PASSWORD_CHANGE_LIMIT, SIGN_IN_LIMITS, verifyCredentials } from "@/server/services/auth/sign-in";
import { closeTestDb, testDb, uid } from "../helpers/db";

afterAll(closeTestDb);

const PASSWORD = "correct horse battery";
const randomIp = () => `198.51.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

async function person() {
  const email = `${uid("lim")}@test.local`;
  const [u] = await testDb()
    .insert(users)
    .values({ email, name: "Owner", passwordHash: await hashPassword(PASSWORD) })
    .returning({ id: users.id });
  return { email, id: u!.id };
}

async function attempt(email: string, password: string, ip: string, deviceToken?: string | null) {
  try {
    return await verifyCredentials(testDb(), { email, password, ip, deviceToken });
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
}

describe("finding 6: the client address is the socket's unless trusted proxies say otherwise", () => {
  const headers = (h: Record<string, string>) => new Headers(h);
  it("ignores a client's X-Forwarded-For with no trusted proxy", () => {
    const forged = headers({
      [PEER_HEADER]: "203.0.113.9",
      "x-forwarded-for": "1.2.3.4",
      "x-real-ip": "5.6.7.8",
    });
    expect(clientAddress(forged, 0)).toBe("203.0.113.9");
    // Nothing stamped (not served by our server): everyone shares one bucket rather than choosing one.
    expect(clientAddress(headers({ "x-forwarded-for": "1.2.3.4" }), 0)).toBe("unknown");
  });
  it("behind N trusted proxies takes the N-th address from the right, never what the client prepended", () => {
    const h = headers({ [PEER_HEADER]: "10.0.0.2", "x-forwarded-for": "1.2.3.4, 203.0.113.9, 10.0.0.1" });
    expect(clientAddress(h, 2)).toBe("203.0.113.9");
    expect(
      clientAddress(headers({ [PEER_HEADER]: "10.0.0.1", "x-forwarded-for": "1.2.3.4, 203.0.113.9" }), 1),
    ).toBe("203.0.113.9");
  });
});

describe("finding 6: wrong passwords slow an attacker without locking the owner out", () => {
  it("an attacker's failures from one address refuse that address only; the owner elsewhere signs in", async () => {
    const owner = await person();
    const attacker = randomIp();
    for (let i = 0; i < SIGN_IN_LIMITS.perEmailAndIp; i++)
      expect(await attempt(owner.email, "guess", attacker)).toBe("UNAUTHORIZED");
    expect(await attempt(owner.email, PASSWORD, attacker)).toBe("RATE_LIMITED");
    const ok = await attempt(owner.email, PASSWORD, randomIp());
    expect(typeof ok === "object" && ok.id).toBe(owner.id);
  });

  it("under a distributed attack new browsers are refused, but the owner's known browser still signs in", async () => {
    const owner = await person();
    const first = await attempt(owner.email, PASSWORD, randomIp());
    if (typeof first !== "object") throw new Error(`first sign-in: ${first}`);
    const device = first.deviceToken;
    for (let i = 0; i < SIGN_IN_LIMITS.perEmail; i++)
      expect(await attempt(owner.email, "guess", randomIp())).toBe("UNAUTHORIZED");
    expect(await attempt(owner.email, PASSWORD, randomIp())).toBe("RATE_LIMITED");
    const known = await attempt(owner.email, PASSWORD, randomIp(), device);
    expect(typeof known === "object" && known.id).toBe(owner.id);
    // A device cookie is bound to its account: presented for another, or tampered with, it counts for nothing.
    const other = await person();
    expect(await attempt(owner.email, PASSWORD, randomIp(), `${device.split(".")[0]}.forged`)).toBe(
      "RATE_LIMITED",
    );
    const otherFirst = await attempt(other.email, PASSWORD, randomIp());
    if (typeof otherFirst !== "object") throw new Error("other sign-in");
    expect(await attempt(owner.email, PASSWORD, randomIp(), otherFirst.deviceToken)).toBe("RATE_LIMITED");
  });

  it("a known browser has its own limit", async () => {
    const owner = await person();
    const first = await attempt(owner.email, PASSWORD, randomIp());
    if (typeof first !== "object") throw new Error("sign-in");
    for (let i = 0; i < SIGN_IN_LIMITS.perDevice; i++)
      expect(await attempt(owner.email, "guess", randomIp(), first.deviceToken)).toBe("UNAUTHORIZED");
    expect(await attempt(owner.email, PASSWORD, randomIp(), first.deviceToken)).toBe("RATE_LIMITED");
  });
});

describe("finding 14: changing the password has an attempt limit", () => {
  it(`refuses after ${PASSWORD_CHANGE_LIMIT} wrong current passwords — even the right one`, async () => {
    const owner = await person();
    const wrong = async () => {
      try {
        await changePassword(testDb(), owner.id, { currentPassword: "guess", newPassword: "a-new-password" });
        return "ok";
      } catch (e) {
        return e instanceof DomainError ? e.code : String(e);
      }
    };
    for (let i = 0; i < PASSWORD_CHANGE_LIMIT; i++) expect(await wrong()).toBe("VALIDATION");
    await expect(
      changePassword(testDb(), owner.id, { currentPassword: PASSWORD, newPassword: "a-new-password" }),
    ).rejects.toMatchObject({
      code: "RATE_LIMITED",
    });
    // Sign-in is a separate count: the owner can still sign in.
    expect(typeof (await attempt(owner.email, PASSWORD, randomIp()))).toBe("object");
  });
});
