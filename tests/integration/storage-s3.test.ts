import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as attach } from "@/app/api/orders/[id]/attachments/route";
import { GET as download } from "@/app/api/orders/attachments/[attachmentId]/route";
import { MAX_ATTACHMENTS_PER_ORDER } from "@/server/services/orders/attachments";
import { createOrder } from "@/server/services/orders/create-order";
import { productionStartProblems } from "@/server/secrets";
import { LocalFileStorage, setStorage, storageConfigProblem, storageFromEnv } from "@/server/storage";
import { S3FileStorage } from "@/server/storage/s3";
import { closeTestDb, newApiKey } from "../helpers/db";
import { startS3Simulator } from "../simulators/s3/server";
import { orderMerchant, simpleOrder } from "./orders-fixtures";

// next-auth cannot load outside Next; these routes are called with API keys.
vi.mock("@/server/auth", () => ({ auth: async () => null }));

/**
 * Issue 11, item 6: files in object storage behind the storage interface. The S3 adapter against a local
 * S3-compatible server (s3rver on loopback, started here), selected by the environment; local disk stays
 * the default.
 */

let s3: Awaited<ReturnType<typeof startS3Simulator>>;
let storage: S3FileStorage;
beforeAll(async () => {
  s3 = await startS3Simulator();
  storage = storageFromEnv(env({ ...s3.env, MANIFOLD_S3_PREFIX: "/tenant-files/" })) as S3FileStorage;
});
afterAll(async () => {
  setStorage(null);
  await s3?.close();
  await closeTestDb();
});

const env = (vars: Record<string, string | undefined>) => vars as NodeJS.ProcessEnv;

/** Every object key in the bucket, read with a client of its own (not through the adapter). */
async function objects(): Promise<string[]> {
  const res = await storage.client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
  return (res.Contents ?? []).map((o) => o.Key!).sort();
}

describe("storage selected by the environment", () => {
  it("is the local disk by default, the bucket with MANIFOLD_STORAGE=s3, and a misconfiguration says what is missing", () => {
    expect(storageFromEnv(env({ MANIFOLD_DATA_DIR: "/tmp/mf-x" }))).toBeInstanceOf(LocalFileStorage);
    expect((storageFromEnv(env({ MANIFOLD_DATA_DIR: "/tmp/mf-x" })) as LocalFileStorage).root).toBe("/tmp/mf-x/files");
    expect(storage).toBeInstanceOf(S3FileStorage);
    expect(storage.config).toMatchObject({ bucket: s3.bucket, prefix: "tenant-files", endpoint: s3.endpoint, forcePathStyle: true });
    expect(storageConfigProblem(env({ MANIFOLD_STORAGE: "s3" }))).toMatch(/MANIFOLD_S3_BUCKET/);
    expect(storageConfigProblem(env({ MANIFOLD_STORAGE: "ftp" }))).toMatch(/"local" \(the default\) or "s3"/);
    expect(storageConfigProblem(env({ ...s3.env, MANIFOLD_S3_SECRET_ACCESS_KEY: "" }))).toMatch(/set together/);
    expect(() => storageFromEnv(env({ MANIFOLD_STORAGE: "s3" }))).toThrow(/MANIFOLD_S3_BUCKET/);
    // A production server does not start on a storage it cannot use.
    expect(productionStartProblems(env({ NODE_ENV: "production", MANIFOLD_STORAGE: "s3" }))).toContainEqual(expect.stringMatching(/MANIFOLD_S3_BUCKET/));
  });
});

describe("S3FileStorage against a local S3-compatible server", () => {
  it("puts, gets, tells existence and removes, bytes intact, under its prefix", async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 254, 0x89, 0x50, 0x4e, 0x47, 13, 10]);
    const key = "org-a/attachments/0190c0de-0000-7000-8000-000000000001";
    expect(await storage.exists(key)).toBe(false);
    await storage.put(key, bytes);
    expect(await storage.exists(key)).toBe(true);
    expect((await storage.get(key)).equals(bytes)).toBe(true);
    expect(await objects()).toContain(`tenant-files/${key}`);
    // Overwrite is whole.
    await storage.put(key, Buffer.from("second"));
    expect((await storage.get(key)).toString()).toBe("second");
    await storage.remove(key);
    expect(await storage.exists(key)).toBe(false);
    await expect(storage.get(key)).rejects.toThrow();
    // Removing what is not there is fine, as on disk.
    await storage.remove(key);
  });

  it("refuses keys that could leave the prefix before sending anything", async () => {
    for (const key of ["../x", "a/../../b", "/abs", "a//b", "a/./b", ""]) {
      await expect(storage.put(key, Buffer.from("x")), key).rejects.toThrow(/bad storage key/);
      await expect(storage.exists(key), key).rejects.toThrow(/bad storage key/);
    }
    expect((await objects()).filter((k) => !k.startsWith("tenant-files/"))).toEqual([]);
  });

  it("order attachments go to the bucket through the app's routes; a refused upload leaves no object", async () => {
    setStorage(storage);
    const m = await orderMerchant();
    const key = await newApiKey(m.org, "operator");
    const order = await createOrder(m.ctx, simpleOrder());
    const upload = (id: string, body: string) => {
      const form = new FormData();
      form.append("file", new File([body], "contract.pdf", { type: "application/pdf" }));
      return attach(new Request(`http://x/api/orders/${id}/attachments`, { method: "POST", body: form, headers: { authorization: `Bearer ${key}` } }), {
        params: Promise.resolve({ id }),
      });
    };
    const before = (await objects()).length;
    const res = await upload(order.id, "%PDF-1.4 contract");
    expect(res.status).toBe(201);
    const made = (await res.json()) as { id: string };
    expect((await objects()).length).toBe(before + 1);
    const got = await download(new Request(`http://x/api/orders/attachments/${made.id}`, { headers: { authorization: `Bearer ${key}` } }), {
      params: Promise.resolve({ attachmentId: made.id }),
    });
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).toString()).toBe("%PDF-1.4 contract");
    expect(got.headers.get("content-disposition")).toMatch(/^attachment;/);

    for (let i = 1; i < MAX_ATTACHMENTS_PER_ORDER; i++) expect((await upload(order.id, `n${i}`)).status).toBe(201);
    const full = (await objects()).length;
    expect((await upload(order.id, "one too many")).status).toBe(400);
    expect((await objects()).length).toBe(full);
  });
});
