import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * Where uploaded files live. The app only ever talks to this interface, so an object store (S3, OSS)
 * can replace the local disk by implementing these four methods; keys are opaque, tenant-prefixed paths.
 */
export interface FileStorage {
  put(key: string, data: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
  exists(key: string): Promise<boolean>;
  remove(key: string): Promise<void>;
}

const KEY_RE = /^[a-z0-9][a-z0-9\-/.]{0,300}$/i;

function checkKey(key: string) {
  if (!KEY_RE.test(key) || key.split("/").some((p) => p === "" || p === "." || p === "..")) throw new Error(`bad storage key: ${key}`);
}

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
export function defaultStorageRoot() {
  const dataDir = process.env.MANIFOLD_DATA_DIR ?? path.join(process.cwd(), ".data");
  return path.join(dataDir, "files");
}

export function getStorage(): FileStorage {
  storage ??= new LocalFileStorage(defaultStorageRoot());
  return storage;
}

/** For tests and alternative deployments. */
export function setStorage(s: FileStorage | null) {
  storage = s;
}
