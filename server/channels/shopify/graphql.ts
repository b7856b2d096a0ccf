import { channelFetch, retryAfterMs } from "../http";
import { ChannelError, type ChannelAccountRef, type ChannelCredentials } from "../types";

export const SHOPIFY_API_VERSION = "2026-10";

type ThrottleStatus = { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
type GraphqlResponse<T> = {
  data?: T;
  errors?: string | { message: string; extensions?: { code?: string } }[];
  extensions?: { cost?: { requestedQueryCost?: number; throttleStatus?: ThrottleStatus } };
};

/**
 * One Admin GraphQL call. Errors come back as ChannelError kinds the channels service acts on:
 * 401 → auth_expired (refresh, then re-authorize), THROTTLED / 429 → rate_limited with the wait the
 * leaky bucket implies, 5xx / timeouts → upstream (retried), anything else → invalid_request.
 */
export async function shopifyGraphql<T>(
  account: ChannelAccountRef,
  credentials: ChannelCredentials,
  operationName: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const res = await channelFetch(`${account.baseUrl}/admin/api/${SHOPIFY_API_VERSION}/graphql.json`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-access-token": credentials.accessToken },
    body: JSON.stringify({ query, operationName, variables }),
  });
  const text = await res.text();
  let body: GraphqlResponse<T> = {};
  try {
    body = text ? (JSON.parse(text) as GraphqlResponse<T>) : {};
  } catch {
    /* non-JSON error page */
  }
  const errText = typeof body.errors === "string" ? body.errors : text.slice(0, 300);
  if (res.status === 401) throw new ChannelError("auth_expired", errText || "invalid access token", { status: 401 });
  if (res.status === 402 || res.status === 423) throw new ChannelError("auth_revoked", errText || "shop unavailable", { status: res.status });
  if (res.status === 403) throw new ChannelError("invalid_request", errText || "access denied (missing scope?)", { status: 403 });
  if (res.status === 429) {
    throw new ChannelError("rate_limited", errText || "too many requests", { status: 429, retryAfterMs: retryAfterMs(res.headers.get("retry-after")) ?? 1000 });
  }
  if (res.status >= 500) throw new ChannelError("upstream", `Shopify ${res.status}: ${errText}`, { status: res.status });
  if (!res.ok) throw new ChannelError("invalid_request", `Shopify ${res.status}: ${errText}`, { status: res.status });
  if (Array.isArray(body.errors) && body.errors.length) {
    const throttled = body.errors.find((e) => e.extensions?.code === "THROTTLED");
    if (throttled) {
      const cost = body.extensions?.cost;
      const s = cost?.throttleStatus;
      const missing = Math.max(0, (cost?.requestedQueryCost ?? 0) - (s?.currentlyAvailable ?? 0));
      const waitMs = s && s.restoreRate > 0 ? Math.ceil((missing / s.restoreRate) * 1000) : 1000;
      throw new ChannelError("rate_limited", "Throttled", { status: 200, platformCode: "THROTTLED", retryAfterMs: waitMs });
    }
    const tooCostly = body.errors.find((e) => e.extensions?.code === "MAX_COST_EXCEEDED");
    if (tooCostly) {
      // A property of the query, not of the moment: retrying can never succeed.
      const cost = (tooCostly.extensions as { cost?: number } | undefined)?.cost ?? body.extensions?.cost?.requestedQueryCost;
      throw new ChannelError(
        "invalid_request",
        `Shopify refused ${operationName}: its requested cost${cost ? ` (${cost})` : ""} is over the 1,000-point single-query limit (MAX_COST_EXCEEDED); not retried`,
        { status: 200, platformCode: "MAX_COST_EXCEEDED" },
      );
    }
    const first = body.errors[0]!;
    throw new ChannelError("invalid_request", first.message, { status: 200, platformCode: first.extensions?.code });
  }
  if (!body.data) throw new ChannelError("upstream", "empty GraphQL response", { status: res.status });
  return body.data;
}
