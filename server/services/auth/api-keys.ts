import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull, lt, or } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { apiKeys } from "@/db/schema";
import { isRole, type Role } from "@/lib/permissions";
import { CreateApiKeyInput } from "@/lib/validators/account";
import { actorUserId, type ServiceContext } from "@/server/context";
import { notFound } from "@/server/errors";

const KEY_PREFIX = "mk_";
export const hashApiKey = (key: string) => createHash("sha256").update(key).digest("hex");

/** Create a key; the plain key is returned once and only its hash is stored. */
export async function createApiKey(ctx: ServiceContext, raw: CreateApiKeyInput) {
  const input = CreateApiKeyInput.parse(raw);
  const key = KEY_PREFIX + randomBytes(24).toString("base64url");
  const [row] = await ctx.db
    .insert(apiKeys)
    .values({
      orgId: ctx.orgId,
      name: input.name,
      role: input.role,
      prefix: key.slice(0, 10),
      keyHash: hashApiKey(key),
      createdBy: actorUserId(ctx),
    })
    .returning({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      role: apiKeys.role,
      createdAt: apiKeys.createdAt,
    });
  return { ...row!, key };
}

export async function listApiKeys(ctx: ServiceContext) {
  return ctx.db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      role: apiKeys.role,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.orgId, ctx.orgId))
    .orderBy(desc(apiKeys.createdAt));
}

export async function revokeApiKey(ctx: ServiceContext, id: string) {
  const [row] = await ctx.db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, id), eq(apiKeys.orgId, ctx.orgId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  if (!row) throw notFound("apiKey");
}

export type ApiKeyPrincipal = { apiKeyId: string; orgId: string; role: Role };

/**
 * Resolve a presented key. Revoked keys fail at once (the check reads the row on every request).
 * last_used_at is written at most once a minute per key to keep hot API paths cheap.
 */
export async function authenticateApiKey(db: DbExecutor, key: string): Promise<ApiKeyPrincipal | null> {
  if (!key.startsWith(KEY_PREFIX) || key.length > 200) return null;
  const [row] = await db
    .select({ id: apiKeys.id, orgId: apiKeys.orgId, role: apiKeys.role })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hashApiKey(key)), isNull(apiKeys.revokedAt)));
  if (!row || !isRole(row.role)) return null;
  const now = new Date();
  await db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(apiKeys.id, row.id),
        or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(now.getTime() - 60_000))),
      ),
    );
  return { apiKeyId: row.id, orgId: row.orgId, role: row.role };
}
