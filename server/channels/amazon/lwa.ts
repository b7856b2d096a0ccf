import { ChannelError, type ChannelCredentials } from "../types";
import type { ResolvedAmazonConfig } from "./config";
import { backoffDelay, sleep } from "./http";

/** LWA token endpoint answer (RFC 6749 shape). */
type LwaTokenResponse = {
  access_token?: string;
  refresh_token?: string;
  token_type?: string;
  expires_in?: number;
  error?: string;
  error_description?: string;
};

/**
 * Login with Amazon token call: a form POST with `grant_type=authorization_code` (the
 * `spapi_oauth_code` from the consent redirect) or `grant_type=refresh_token`. Access tokens last an
 * hour; the refresh token is long-lived and comes back unchanged on refresh.
 */
export async function lwaToken(
  cfg: ResolvedAmazonConfig,
  tokenUrl: string,
  grant: { grant_type: "authorization_code"; code: string; redirect_uri?: string } | { grant_type: "refresh_token"; refresh_token: string },
): Promise<ChannelCredentials> {
  const form = new URLSearchParams({ ...grant, client_id: cfg.clientId, client_secret: cfg.clientSecret } as Record<string, string>);
  const policy = cfg.retry();
  let lastError: ChannelError | null = null;
  for (let attempt = 0; attempt < policy.maxAttempts; attempt++) {
    if (attempt > 0) await sleep(backoffDelay(attempt - 1, policy));
    let res: Response;
    try {
      res = await fetch(tokenUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded;charset=UTF-8", accept: "application/json" },
        body: form.toString(),
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
    } catch (e) {
      lastError = new ChannelError("upstream", `Login with Amazon unreachable: ${(e as Error).message}`);
      continue;
    }
    let body: LwaTokenResponse = {};
    try {
      body = (await res.json()) as LwaTokenResponse;
    } catch {
      body = {};
    }
    if (res.status === 429 || res.status >= 500) {
      lastError = new ChannelError(res.status === 429 ? "rate_limited" : "upstream", `Login with Amazon failed (${res.status})`, {
        status: res.status,
        platformCode: body.error,
      });
      continue;
    }
    if (!res.ok || !body.access_token) {
      const reason = `${body.error ?? `HTTP ${res.status}`}: ${body.error_description ?? "no access token"}`;
      if (body.error === "invalid_grant" && grant.grant_type === "refresh_token") {
        // The seller revoked the app, or the yearly re-authorization lapsed.
        throw new ChannelError("auth_revoked", `Amazon refused the refresh token (${reason})`, { status: res.status, platformCode: body.error });
      }
      throw new ChannelError("invalid_request", `Amazon token request refused (${reason})`, { status: res.status, platformCode: body.error });
    }
    const refreshToken = body.refresh_token ?? (grant.grant_type === "refresh_token" ? grant.refresh_token : null);
    return {
      accessToken: body.access_token,
      accessTokenExpiresAt: new Date(cfg.now() + (body.expires_in ?? 3600) * 1000),
      refreshToken,
      refreshTokenExpiresAt: null,
    };
  }
  throw lastError ?? new ChannelError("upstream", "Login with Amazon failed");
}
