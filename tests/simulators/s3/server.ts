import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";

/** The part of s3rver (npm, no type declarations) this file uses. */
type S3rverInstance = { run(): Promise<AddressInfo>; close(): Promise<void> };
type S3rverCtor = new (opts: Record<string, unknown>) => S3rverInstance;

/** s3rver's fixed credentials: it checks signatures made with them. */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/**
 * A local S3-compatible server (the `s3rver` package) on loopback, port 0, with one bucket, its objects
 * in a temporary folder removed on close: what the S3 storage adapter is tested against.
 */
export async function startS3Simulator(bucket = "manifold-test") {
  const S3rver = createRequire(import.meta.url)("s3rver") as S3rverCtor;
  const directory = await mkdtemp(path.join(os.tmpdir(), "manifold-s3-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  return {
    bucket,
    directory,
    endpoint: `http://127.0.0.1:${port}`,
    /** The environment that selects this bucket (server/storage: MANIFOLD_STORAGE=s3). */
    env: {
      MANIFOLD_STORAGE: "s3",
      MANIFOLD_S3_BUCKET: bucket,
      MANIFOLD_S3_ENDPOINT: `http://127.0.0.1:${port}`,
      MANIFOLD_S3_FORCE_PATH_STYLE: "1",
      MANIFOLD_S3_REGION: "us-east-1",
      MANIFOLD_S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      MANIFOLD_S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    } as Record<string, string>,
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
