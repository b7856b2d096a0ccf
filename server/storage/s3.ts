import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { checkKey, type FileStorage } from "./file-storage";

/**
 * Where an S3-compatible bucket is (AWS S3, MinIO, Aliyun OSS, Tencent COS, Cloudflare R2…), from the
 * environment (`s3ConfigFromEnv`). This is operator configuration, never something a merchant types, so
 * the client talks to it directly rather than through the guarded outbound client (SECURITY.md).
 */
export type S3StorageConfig = {
  bucket: string;
  /** Key prefix inside the bucket (no leading or trailing slash), e.g. `manifold/prod`. */
  prefix: string;
  region: string;
  /** Unset for AWS itself; the service's URL for any other S3-compatible store. */
  endpoint?: string;
  /** Path-style addressing (`endpoint/bucket/key`), which most non-AWS stores and local servers need. */
  forcePathStyle: boolean;
  /** Unset: the SDK's default chain (AWS_* variables, shared config, instance or task role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
};

/** Objects in one bucket under one prefix; keys are the app's opaque tenant-prefixed paths (checkKey). */
export class S3FileStorage implements FileStorage {
  readonly client: S3Client;

  constructor(readonly config: S3StorageConfig) {
    this.client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      credentials: config.credentials,
      // A store that only speaks the classic checksums (most S3-compatible servers) must keep working.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      maxAttempts: 3,
    });
  }

  private objectKey(key: string) {
    checkKey(key);
    return this.config.prefix ? `${this.config.prefix}/${key}` : key;
  }

  async put(key: string, data: Buffer) {
    // One PUT is atomic in S3: a reader sees the old object or the whole new one, never a part.
    await this.client.send(
      new PutObjectCommand({ Bucket: this.config.bucket, Key: this.objectKey(key), Body: data, ContentType: "application/octet-stream" }),
    );
  }

  async get(key: string) {
    const res = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: this.objectKey(key) }));
    if (!res.Body) throw new Error(`storage object ${key} has no body`);
    return Buffer.from(await res.Body.transformToByteArray());
  }

  async exists(key: string) {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (e) {
      if (e instanceof S3ServiceException && e.$metadata.httpStatusCode === 404) return false;
      throw e;
    }
  }

  async remove(key: string) {
    // DeleteObject of a missing key succeeds, like LocalFileStorage's rm --force.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.objectKey(key) }));
  }
}

/** MANIFOLD_STORAGE=s3 and its settings, or a sentence saying what is missing. */
export function s3ConfigFromEnv(env: NodeJS.ProcessEnv = process.env): S3StorageConfig | string {
  const bucket = env.MANIFOLD_S3_BUCKET?.trim();
  if (!bucket) return "MANIFOLD_STORAGE=s3 needs MANIFOLD_S3_BUCKET (the bucket's name)";
  const endpoint = env.MANIFOLD_S3_ENDPOINT?.trim() || undefined;
  if (endpoint) {
    try {
      const u = new URL(endpoint);
      if (u.protocol !== "https:" && u.protocol !== "http:") throw new Error();
    } catch {
      return `MANIFOLD_S3_ENDPOINT must be the store's http(s) URL (got ${JSON.stringify(endpoint)})`;
    }
  }
  const accessKeyId = env.MANIFOLD_S3_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.MANIFOLD_S3_SECRET_ACCESS_KEY?.trim();
  if (!!accessKeyId !== !!secretAccessKey) return "MANIFOLD_S3_ACCESS_KEY_ID and MANIFOLD_S3_SECRET_ACCESS_KEY are set together (or neither, for the AWS default chain)";
  return {
    bucket,
    prefix: (env.MANIFOLD_S3_PREFIX ?? "").replace(/^\/+|\/+$/g, ""),
    region: env.MANIFOLD_S3_REGION?.trim() || env.AWS_REGION?.trim() || "us-east-1",
    endpoint,
    forcePathStyle: env.MANIFOLD_S3_FORCE_PATH_STYLE === "1" || env.MANIFOLD_S3_FORCE_PATH_STYLE === "true",
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
  };
}
