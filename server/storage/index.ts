import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { checkKey, type FileStorage } from "./file-storage";
import { S3FileStorage, s3ConfigFromEnv, type S3StorageConfig } from "./s3";

export { checkKey, type FileStorage } from "./file-storage";

/** Files under a folder on the local disk; writes go to a temp file first and are renamed into place. */
export class LocalFileStorage implements FileStorage {
  constructor(readonly root: string) {}

  private file(key: string) {
    checkKey(key);
    return path.join(this.root, ...key.split("/"));
  }

  async put(key: string, data: Buffer) {
    const target = this.file(key);
    await mkdir(path.dirname(target), { recursive: true });
    const tmp = `${target}.${randomUUID()}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, target);
  }

  async get(key: string) {
    return readFile(this.file(key));
  }

  async exists(key: string) {
    try {
      await stat(this.file(key));
      return true;
    } catch {
      return false;
    }
  }

  async remove(key: string) {
    await rm(this.file(key), { force: true });
  }
}

let storage: FileStorage | null = null;

/** The data folder: MANIFOLD_DATA_DIR when set, else `.data` under the app; files go to `<data>/files`. */
export function defaultStorageRoot(env: NodeJS.ProcessEnv = process.env) {
  const dataDir = env.MANIFOLD_DATA_DIR ?? path.join(process.cwd(), ".data");
  return path.join(dataDir, "files");
}

/** The storage MANIFOLD_STORAGE says, or a sentence saying why it cannot be used (checked at start). */
export function storageConfigProblem(env: NodeJS.ProcessEnv = process.env): string | null {
  const kind = env.MANIFOLD_STORAGE?.trim() || "local";
  if (kind === "local") return null;
  if (kind !== "s3") return `MANIFOLD_STORAGE must be "local" (the default) or "s3" (got ${JSON.stringify(kind)})`;
  const config = s3ConfigFromEnv(env);
  return typeof config === "string" ? config : null;
}

/**
 * The storage the environment selects: local disk under the data folder (the default), or an
 * S3-compatible bucket with MANIFOLD_STORAGE=s3 (./s3.ts: MANIFOLD_S3_BUCKET, _REGION, _ENDPOINT,
 * _FORCE_PATH_STYLE, _PREFIX, _ACCESS_KEY_ID / _SECRET_ACCESS_KEY or the AWS default chain).
 */
export function storageFromEnv(env: NodeJS.ProcessEnv = process.env): FileStorage {
  const problem = storageConfigProblem(env);
  if (problem) throw new Error(`[storage] ${problem}`);
  if ((env.MANIFOLD_STORAGE?.trim() || "local") === "s3") return new S3FileStorage(s3ConfigFromEnv(env) as S3StorageConfig);
  return new LocalFileStorage(defaultStorageRoot(env));
}

export function getStorage(): FileStorage {
  storage ??= storageFromEnv();
  return storage;
}

/** For tests and alternative deployments. */
export function setStorage(s: FileStorage | null) {
  storage = s;
}
