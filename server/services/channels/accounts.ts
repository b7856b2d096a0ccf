import { and, asc, eq, ilike, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Db, DbExecutor } from "@/db";
import { channelAccounts } from "@/db/schema";
import { AccountListInput, CreateAccountInput, UpdateAccountInput } from "@/lib/validators/channels";
import { simulatorUrl } from "@/server/channels/endpoints";
import { connectorFor, implementedPlatforms } from "@/server/channels/registry";
import { normalizeShopDomain } from "@/server/channels/shopify/connector";
import { ENDPOINT_SETTINGS, isOfficialPlatformUrl } from "@/server/channels/official-hosts";
import { ChannelError, type ChannelAccountRef, type ChannelCredentials, type PlatformCode } from "@/server/channels/types";
import { currentKeyVersion, openToken, sealToken } from "@/server/crypto/tokens";
import { inTransaction, type OrgScope, type ServiceContext } from "@/server/context";
import { runtimeMode } from "@/server/runtime-mode";
import { conflict, DomainError, fieldError, isUniqueViolation, notFound } from "@/server/errors";
import { likeContains } from "../_lib/like";
import { AMAZON_REGIONS, amazonRegionOf } from "@/server/channels/amazon/config";
import { PULL_FAILURES_BEFORE_BACKOFF, pullFailuresInRow } from "./pull-health";
import { isVenture, LAZADA_VENTURES, type LazadaVenture } from "@/server/channels/lazada/config";

/** A Lazada account's venture (its country's API host); Malaysia, where cross-border sellers authorize, by default. */
function ventureFromSettings(settings: Record<string, unknown>): LazadaVenture {
  if (settings.venture === undefined) return "my";
  if (!isVenture(settings.venture)) throw fieldError("settings.venture", "ventureUnknown");
  return settings.venture;
}

export type ChannelAccountRow = typeof channelAccounts.$inferSelect;

/** The account as pages and API clients see it: never a token, not even encrypted. */
export function publicAccount(a: ChannelAccountRow) {
  const { accessTokenEnc: _a, refreshTokenEnc: _r, tokenKeyVersion: _k, ...rest } = a;
  return { ...rest, hasToken: !!a.accessTokenEnc };
}
export type PublicAccount = ReturnType<typeof publicAccount>;

/** Simulators may be chosen only where they run: development, tests, and demo servers (server/runtime-mode.ts). */
export const simulatorsAllowed = () => runtimeMode() !== "production";

export function accountRef(a: ChannelAccountRow): ChannelAccountRef {
  return {
    id: a.id,
    orgId: a.orgId,
    platform: a.platform as ChannelAccountRef["platform"],
    externalShopId: a.externalShopId,
    settings: a.settings,
    baseUrl: a.baseUrl,
  };
}

export async function listAccounts(ctx: ServiceContext, raw: z.input<typeof AccountListInput> = {}) {
  const input = AccountListInput.parse(raw);
  const rows = await ctx.db
    .select()
    .from(channelAccounts)
    .where(
      and(
        eq(channelAccounts.orgId, ctx.orgId),
        input.platform ? eq(channelAccounts.platform, input.platform) : undefined,
        input.search ? ilike(channelAccounts.alias, likeContains(input.search)) : undefined,
      ),
    )
    .orderBy(asc(channelAccounts.platform), asc(channelAccounts.createdAt));
  const failures = await pullFailuresInRow(ctx, rows.map((r) => r.id));
  return rows.map((r) => {
    const pullFailures = failures.get(r.id) ?? 0;
    // A failing account says so (the error is its last pull summary) and when it tries again.
    return { ...publicAccount(r), pullFailures, backingOff: pullFailures >= PULL_FAILURES_BEFORE_BACKOFF };
  });
}

export async function getAccountRow(ctx: OrgScope, id: string): Promise<ChannelAccountRow> {
  const [row] = await ctx.db.select().from(channelAccounts).where(and(eq(channelAccounts.id, id), eq(channelAccounts.orgId, ctx.orgId)));
  if (!row) throw notFound("channelAccount");
  return row;
}

export async function getAccount(ctx: ServiceContext, id: string) {
  return publicAccount(await getAccountRow(ctx, id));
}

function baseUrlFor(platform: string, shopDomain: string | null, useSimulator: boolean, settings: Record<string, unknown>): string {
  if (useSimulator) {
    if (!simulatorsAllowed()) throw fieldError("useSimulator", "simulatorUnavailable");
    if (platform === "shopify") return `${simulatorUrl("shopify")}/store/${shopDomain!.replace(/\.myshopify\.com$/, "")}`;
    if (platform === "lazada") return `${simulatorUrl("lazada")}/${ventureFromSettings(settings)}/rest`;
    return simulatorUrl(platform as "amazon" | "shopee");
  }
  if (platform === "shopify") return `https://${shopDomain}`;
  if (isOfficialPlatformUrl(platform as PlatformCode, settings.baseUrl)) return settings.baseUrl;
  if (platform === "amazon") return AMAZON_REGIONS[amazonRegionOf(settings)].spApi;
  if (platform === "shopee") return "https://partner.shopeemobile.com";
  if (platform === "lazada") return LAZADA_VENTURES[ventureFromSettings(settings)].host;
  throw fieldError("platform", "platformUnavailable");
}

function translateUnique(e: unknown): never {
  if (isUniqueViolation(e, "channel_accounts_org_alias_uq")) throw conflict("alias", "aliasTaken");
  if (isUniqueViolation(e, "channel_accounts_org_shop_uq")) throw conflict("shopDomain", "shopTaken");
  throw e;
}

export async function createAccount(ctx: ServiceContext, raw: CreateAccountInput) {
  const input = CreateAccountInput.parse(raw);
  if (!implementedPlatforms().includes(input.platform)) throw fieldError("platform", "platformUnavailable");
  let shopDomain: string | null = null;
  if (input.platform === "shopify") {
    shopDomain = normalizeShopDomain(input.shopDomain ?? "");
    if (!shopDomain) throw fieldError("shopDomain", input.shopDomain ? "shopDomainFormat" : "required");
  }
  for (const key of ENDPOINT_SETTINGS) {
    if (key in input.settings && !isOfficialPlatformUrl(input.platform, input.settings[key])) throw fieldError(`settings.${key}`, "platformUrlNotOfficial");
  }
  const settings: Record<string, unknown> = { ...input.settings, ...(shopDomain ? { shopDomain } : {}) };
  const baseUrl = baseUrlFor(input.platform, shopDomain, input.useSimulator, settings);
  // Typing a shop claims nothing (the callback proves it); the same shop twice in one merchant is a slip.
  if (shopDomain) {
    const [twice] = await ctx.db
      .select({ id: channelAccounts.id })
      .from(channelAccounts)
      .where(and(eq(channelAccounts.orgId, ctx.orgId), eq(channelAccounts.platform, input.platform), sql`${channelAccounts.settings}->>'shopDomain' = ${shopDomain}`))
      .limit(1);
    if (twice) throw conflict("shopDomain", "shopTaken");
  }
  try {
    const [row] = await ctx.db
      .insert(channelAccounts)
      .values({
        orgId: ctx.orgId,
        platform: input.platform,
        alias: input.alias,
        // Set by the OAuth callback only; Shopify's callback must then be for settings.shopDomain.
        externalShopId: null,
        baseUrl,
        settings,
        pullMode: input.pullMode,
        pullIntervalMinutes: input.pullIntervalMinutes,
        importEnabled: input.importEnabled,
      })
      .returning();
    return publicAccount(row!);
  } catch (e) {
    translateUnique(e);
  }
}

export async function updateAccount(ctx: ServiceContext, raw: UpdateAccountInput) {
  const input = UpdateAccountInput.parse(raw);
  const current = await getAccountRow(ctx, input.id);
  const becameAuto = input.pullMode === "auto" && current.pullMode !== "auto";
  try {
    const [row] = await ctx.db
      .update(channelAccounts)
      .set({
        alias: input.alias,
        pullMode: input.pullMode,
        pullIntervalMinutes: input.pullIntervalMinutes,
        importEnabled: input.importEnabled,
        nextPullAt: becameAuto ? new Date() : current.nextPullAt,
      })
      .where(and(eq(channelAccounts.id, input.id), eq(channelAccounts.orgId, ctx.orgId)))
      .returning();
    return publicAccount(row!);
  } catch (e) {
    translateUnique(e);
  }
}

/** 停止拉单 / 恢复拉单. Resuming needs a live authorization. */
export async function setPulling(ctx: ServiceContext, input: { id: string; enabled: boolean }) {
  const current = await getAccountRow(ctx, input.id);
  if (input.enabled) {
    if (current.status !== "stopped") throw new DomainError("CONFLICT", { key: "accountNotStopped" });
  } else if (current.status !== "enabled") {
    throw new DomainError("CONFLICT", { key: "accountNotEnabled" });
  }
  const [row] = await ctx.db
    .update(channelAccounts)
    .set({ status: input.enabled ? "enabled" : "stopped", nextPullAt: input.enabled ? new Date() : null })
    .where(and(eq(channelAccounts.id, input.id), eq(channelAccounts.orgId, ctx.orgId)))
    .returning();
  return publicAccount(row!);
}

/** 取消授权: forget the tokens; the platform orders stay. */
export async function revokeAccount(ctx: ServiceContext, id: string) {
  await getAccountRow(ctx, id);
  const [row] = await ctx.db
    .update(channelAccounts)
    .set({ status: "revoked", accessTokenEnc: null, refreshTokenEnc: null, tokenKeyVersion: null, accessTokenExpiresAt: null, refreshTokenExpiresAt: null, nextPullAt: null })
    .where(and(eq(channelAccounts.id, id), eq(channelAccounts.orgId, ctx.orgId)))
    .returning();
  return publicAccount(row!);
}

export async function setImportEnabled(ctx: ServiceContext, input: { id: string; enabled: boolean }) {
  await getAccountRow(ctx, input.id);
  const [row] = await ctx.db
    .update(channelAccounts)
    .set({ importEnabled: input.enabled })
    .where(and(eq(channelAccounts.id, input.id), eq(channelAccounts.orgId, ctx.orgId)))
    .returning();
  return publicAccount(row!);
}

export async function deleteAccount(ctx: ServiceContext, id: string) {
  const deleted = await ctx.db
    .delete(channelAccounts)
    .where(and(eq(channelAccounts.id, id), eq(channelAccounts.orgId, ctx.orgId)))
    .returning({ id: channelAccounts.id });
  if (!deleted.length) throw notFound("channelAccount");
}

// ---------------------------------------------------------------------------------------- credentials

/** What an operator sees when stored tokens no longer decrypt (the secret changed or was lost). */
export const UNREADABLE_TOKENS = "the stored authorization cannot be read (the encryption key MANIFOLD_SECRET has changed): authorize again";

export function readCredentials(a: ChannelAccountRow): ChannelCredentials | null {
  if (!a.accessTokenEnc || a.tokenKeyVersion === null) return null;
  try {
    return openCredentials(a, a.accessTokenEnc, a.tokenKeyVersion);
  } catch {
    throw new ChannelError("auth_expired", UNREADABLE_TOKENS);
  }
}

function openCredentials(a: ChannelAccountRow, accessTokenEnc: string, keyVersion: number): ChannelCredentials {
  return {
    accessToken: openToken(accessTokenEnc, { orgId: a.orgId, accountId: a.id, purpose: "access_token" }, keyVersion),
    accessTokenExpiresAt: a.accessTokenExpiresAt,
    refreshToken: a.refreshTokenEnc ? openToken(a.refreshTokenEnc, { orgId: a.orgId, accountId: a.id, purpose: "refresh_token" }, keyVersion) : null,
    refreshTokenExpiresAt: a.refreshTokenExpiresAt,
  };
}

/** Columns that store credentials, sealed for this account. */
export function sealedCredentials(a: Pick<ChannelAccountRow, "orgId" | "id">, c: ChannelCredentials) {
  const access = sealToken(c.accessToken, { orgId: a.orgId, accountId: a.id, purpose: "access_token" });
  const refresh = c.refreshToken ? sealToken(c.refreshToken, { orgId: a.orgId, accountId: a.id, purpose: "refresh_token" }, access.keyVersion) : null;
  return {
    accessTokenEnc: access.ciphertext,
    refreshTokenEnc: refresh?.ciphertext ?? null,
    tokenKeyVersion: access.keyVersion,
    accessTokenExpiresAt: c.accessTokenExpiresAt,
    refreshTokenExpiresAt: c.refreshTokenExpiresAt,
  };
}

/**
 * Key rotation: re-seal every stored token under the current key version (MANIFOLD_SECRET /
 * MANIFOLD_SECRET_VERSION), reading the old ones with MANIFOLD_SECRET_V<n>. Row by row, each under its
 * row lock, so a token refresh running at the same time is never overwritten with an older token.
 * Safe to run again: rows already on the current version are left alone. Across merchants on purpose
 * (an operator command, not a merchant action).
 */
export async function reencryptTokens(db: Db, opts: { orgId?: string } = {}): Promise<{ reencrypted: number; failed: { accountId: string; error: string }[] }> {
  const version = currentKeyVersion();
  const stale = await db
    .select({ id: channelAccounts.id, orgId: channelAccounts.orgId })
    .from(channelAccounts)
    .where(
      and(
        sql`${channelAccounts.accessTokenEnc} is not null`,
        sql`${channelAccounts.tokenKeyVersion} is distinct from ${version}`,
        opts.orgId ? eq(channelAccounts.orgId, opts.orgId) : undefined,
      ),
    );
  let reencrypted = 0;
  const failed: { accountId: string; error: string }[] = [];
  for (const { id, orgId } of stale) {
    try {
      const done = await db.transaction(async (tx) => {
        const [row] = await tx
          .select()
          .from(channelAccounts)
          .where(and(eq(channelAccounts.id, id), eq(channelAccounts.orgId, orgId)))
          .for("update");
        if (!row || !row.accessTokenEnc || row.tokenKeyVersion === version) return false;
        const credentials = readCredentials(row)!;
        const { accessTokenEnc, refreshTokenEnc, tokenKeyVersion } = sealedCredentials(row, credentials);
        await tx.update(channelAccounts).set({ accessTokenEnc, refreshTokenEnc, tokenKeyVersion }).where(and(eq(channelAccounts.id, id), eq(channelAccounts.orgId, orgId)));
        return true;
      });
      if (done) reencrypted++;
    } catch (e) {
      failed.push({ accountId: id, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return { reencrypted, failed };
}

/** Refresh this long before the access token expires. */
export const REFRESH_MARGIN_MS = 10 * 60 * 1000;

async function markAccount(db: DbExecutor, a: ChannelAccountRow, status: "token_expired" | "revoked", error: string) {
  await db
    .update(channelAccounts)
    .set({ status, lastError: error.slice(0, 500), nextPullAt: null, ...(status === "revoked" ? { accessTokenEnc: null, refreshTokenEnc: null } : {}) })
    .where(and(eq(channelAccounts.id, a.id), eq(channelAccounts.orgId, a.orgId)));
}

/**
 * Refresh the account's tokens, one refresher at a time: the row is locked while the platform is
 * asked, because refresh tokens rotate — two concurrent refreshes with one refresh token would make the
 * second fail and wrongly mark the shop expired. A refresh that the platform refuses marks the account
 * `token_expired` (re-authorize button); a transient failure is left for the next attempt.
 */
export async function refreshAccountTokens(ctx: ServiceContext, accountId: string, opts: { force?: boolean; expectedAccessToken?: string } = {}): Promise<ChannelAccountRow> {
  const outcome: { account: ChannelAccountRow; error?: unknown } = await inTransaction(ctx, async ({ db: tx }) => {
    // Accounts of one authorization (a Lazada seller's ventures) share a token pair: all of them are
    // locked, in id order (so two of them refreshing at once wait instead of deadlocking), and all get the new pair.
    const [peek] = await tx.select().from(channelAccounts).where(and(eq(channelAccounts.id, accountId), eq(channelAccounts.orgId, ctx.orgId)));
    if (!peek) throw notFound("channelAccount");
    const group = typeof peek.settings.authGroup === "string" ? peek.settings.authGroup : null;
    const locked = await tx
      .select()
      .from(channelAccounts)
      .where(
        and(
          eq(channelAccounts.orgId, ctx.orgId),
          group ? and(eq(channelAccounts.platform, peek.platform), sql`${channelAccounts.settings}->>'authGroup' = ${group}`) : eq(channelAccounts.id, accountId),
        ),
      )
      .orderBy(asc(channelAccounts.id))
      .for("update");
    const a = locked.find((r) => r.id === accountId);
    if (!a) throw notFound("channelAccount");
    const creds = readCredentials(a);
    if (!creds) return { account: a, error: new ChannelError("auth_expired", "the shop is not authorized") };
    // Someone else refreshed while we waited for the lock.
    if (opts.expectedAccessToken && creds.accessToken !== opts.expectedAccessToken) return { account: a };
    const due = !creds.accessTokenExpiresAt || creds.accessTokenExpiresAt.getTime() - Date.now() < REFRESH_MARGIN_MS;
    if (!opts.force && !due) return { account: a };
    const connector = connectorFor(a.platform);
    if (!connector) return { account: a, error: new ChannelError("invalid_request", `no connector for ${a.platform}`) };
    try {
      const fresh = await connector.refreshCredentials({ account: accountRef(a), credentials: creds });
      const [row] = await tx
        .update(channelAccounts)
        .set({ ...sealedCredentials(a, fresh), lastError: null, status: a.status === "token_expired" ? "enabled" : a.status })
        .where(eq(channelAccounts.id, a.id))
        .returning();
      for (const s of locked) {
        if (s.id === a.id || s.status === "revoked") continue;
        await tx
          .update(channelAccounts)
          .set({ ...sealedCredentials(s, fresh), lastError: null, status: s.status === "token_expired" ? "enabled" : s.status })
          .where(and(eq(channelAccounts.orgId, s.orgId), eq(channelAccounts.id, s.id)));
      }
      return { account: row! };
    } catch (e) {
      return { account: a, error: e };
    }
  });
  if (outcome.error) {
    const e = outcome.error;
    // Refused by the platform (not a hiccup): the merchant must authorize again.
    if (e instanceof ChannelError && (e.kind === "auth_expired" || e.kind === "auth_revoked" || e.kind === "invalid_request")) {
      await markAccount(ctx.db, outcome.account, "token_expired", `token refresh failed: ${e.message}`);
    }
    throw e;
  }
  return outcome.account;
}

/**
 * Call the platform with this account's credentials: refresh first when the token is about to expire,
 * and once more if the platform says it expired anyway. A revoked shop is marked revoked.
 */
export async function withAccountCredentials<T>(ctx: ServiceContext, account: ChannelAccountRow, fn: (ref: ChannelAccountRef, creds: ChannelCredentials) => Promise<T>): Promise<T> {
  const { db } = ctx;
  let a = account;
  let creds: ChannelCredentials | null;
  try {
    creds = readCredentials(a);
  } catch (e) {
    // Tokens that no longer decrypt are as good as expired: the account asks to be authorized again.
    if (e instanceof ChannelError) await markAccount(db, a, "token_expired", e.message);
    throw e;
  }
  if (!creds) throw new ChannelError("auth_expired", "the shop is not authorized");
  if (creds.accessTokenExpiresAt && creds.accessTokenExpiresAt.getTime() - Date.now() < REFRESH_MARGIN_MS && creds.refreshToken) {
    a = await refreshAccountTokens(ctx, a.id, { expectedAccessToken: creds.accessToken });
    creds = readCredentials(a)!;
  }
  try {
    return await fn(accountRef(a), creds);
  } catch (e) {
    if (e instanceof ChannelError && e.kind === "auth_expired" && creds.refreshToken) {
      a = await refreshAccountTokens(ctx, a.id, { force: true, expectedAccessToken: creds.accessToken });
      const fresh = readCredentials(a)!;
      try {
        return await fn(accountRef(a), fresh);
      } catch (e2) {
        if (e2 instanceof ChannelError && e2.kind === "auth_expired") await markAccount(db, a, "token_expired", e2.message);
        if (e2 instanceof ChannelError && e2.kind === "auth_revoked") await markAccount(db, a, "revoked", e2.message);
        throw e2;
      }
    }
    if (e instanceof ChannelError && e.kind === "auth_expired") await markAccount(db, a, "token_expired", e.message);
    if (e instanceof ChannelError && e.kind === "auth_revoked") await markAccount(db, a, "revoked", e.message);
    throw e;
  }
}

/** Accounts whose access token expires soon (the refresh job walks them, across merchants). */
export async function accountsNeedingRefresh(db: DbExecutor, withinMs = REFRESH_MARGIN_MS * 2) {
  return db
    .select({ id: channelAccounts.id, orgId: channelAccounts.orgId })
    .from(channelAccounts)
    .where(
      and(
        eq(channelAccounts.status, "enabled"),
        sql`${channelAccounts.refreshTokenEnc} is not null`,
        sql`${channelAccounts.accessTokenExpiresAt} < now() + make_interval(secs => ${withinMs / 1000})`,
      ),
    )
    .limit(200);
}
