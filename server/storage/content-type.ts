import { fileTypeFromBuffer } from "file-type";

/**
 * Types a browser may show in place: raster images and PDF — nothing that can carry script on our
 * origin (HTML, SVG, XML, JavaScript…). Everything else is only ever a download.
 */
export const INLINE_TYPES: ReadonlySet<string> = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/bmp", "application/pdf"]);

export const UNKNOWN_TYPE = "application/octet-stream";

/**
 * The type of a file from its bytes (magic numbers, via file-type), never from what the uploader's
 * browser claimed: a file whose type cannot be recognised — text, HTML, SVG and other markup among
 * them — is application/octet-stream.
 */
export async function sniffContentType(data: Uint8Array): Promise<string> {
  return (await fileTypeFromBuffer(data))?.mime ?? UNKNOWN_TYPE;
}
