/** Calls per tRPC batch: the client's batch link splits at this size and the route refuses more. */
export const TRPC_MAX_BATCH = 20;

/** The largest tRPC request body: an import's file (15 MB) travels base64-encoded (×4/3) in the JSON. */
export const TRPC_MAX_BODY_BYTES = 21 * 1024 * 1024;
