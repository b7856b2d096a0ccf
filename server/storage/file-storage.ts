/**
 * Where uploaded files live (order attachments; exports and templates are built per request and
 * streamed, never stored). The app only ever talks to this interface: local disk by default, an
 * S3-compatible bucket when MANIFOLD_STORAGE=s3 (`storageFromEnv`); keys are opaque, tenant-prefixed paths.
 */
export interface FileStorage {
  put(key: string, data: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
  exists(key: string): Promise<boolean>;
  remove(key: string): Promise<void>;
}

const KEY_RE = /^[a-z0-9][a-z0-9\-/.]{0,300}$/i;

/** Keys are relative paths of plain segments: no empty, `.` or `..` part (never outside the root or prefix). */
export function checkKey(key: string) {
  if (!KEY_RE.test(key) || key.split("/").some((p) => p === "" || p === "." || p === "..")) throw new Error(`bad storage key: ${key}`);
}
