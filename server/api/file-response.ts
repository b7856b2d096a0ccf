import { INLINE_TYPES, UNKNOWN_TYPE } from "@/server/storage/content-type";

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
export const CSV_TYPE = "text/csv; charset=utf-8";

/**
 * What every file response carries: the browser must not guess a type (nosniff), and should the file
 * still be rendered as a document, it runs sandboxed — an opaque origin with no script, so it cannot
 * act with the viewer's session — and cannot be framed or fetched by another site.
 */
export const FILE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "content-security-policy": "sandbox; default-src 'none'; frame-ancestors 'none'",
  "cross-origin-resource-policy": "same-origin",
};

/** RFC 6266 filename: an ASCII fallback plus the UTF-8 name (Chinese file names survive). */
function dispositionName(fileName: string) {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * The one way a route hands out a file (attachments, exports, templates). It is a download
 * (`attachment`) unless `inline` is asked for *and* the type is an inert one (raster image, PDF); an
 * inline file of any other type is served as application/octet-stream download.
 */
export function fileResponse(
  body: Uint8Array,
  opts: { fileName: string; contentType: string; inline?: boolean; cacheControl?: string },
): Response {
  const inline = !!opts.inline && INLINE_TYPES.has(opts.contentType);
  return new Response(new Uint8Array(body), {
    headers: {
      "content-type": opts.contentType || UNKNOWN_TYPE,
      "content-length": String(body.byteLength),
      "content-disposition": `${inline ? "inline" : "attachment"}; ${dispositionName(opts.fileName)}`,
      "cache-control": opts.cacheControl ?? "private, no-store",
      ...FILE_SECURITY_HEADERS,
    },
  });
}

/** A CSV or XLSX file (exports and import templates). */
export const tableFileResponse = (body: Uint8Array, format: "csv" | "xlsx", fileName: string) =>
  fileResponse(body, { fileName, contentType: format === "csv" ? CSV_TYPE : XLSX_TYPE });
