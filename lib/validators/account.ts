import { z } from "zod";
import type { Role } from "@/lib/permissions";
import { passwordInput } from "./auth";
import { nameText, requiredText } from "./common";

/** 用户中心 → 个人信息 */
export const UpdateProfileInput = z.object({ name: nameText(100) });
export type UpdateProfileInput = z.infer<typeof UpdateProfileInput>;

export const ChangePasswordInput = z.object({
  currentPassword: z.string({ error: "required" }).min(1, { error: "required" }).max(200, { error: "tooLong" }),
  newPassword: passwordInput,
});
export type ChangePasswordInput = z.infer<typeof ChangePasswordInput>;

/** 用户中心 → 商户 (the merchant's name and time zone). */
export const OrgProfileInput = z.object({ name: nameText(100), timezone: requiredText(60) });
export type OrgProfileInput = z.infer<typeof OrgProfileInput>;

/** Roles an API key may carry: every role but the owner's. */
export const API_KEY_ROLES = ["admin", "operator", "warehouse", "finance", "viewer"] as const satisfies readonly Exclude<Role, "owner">[];

/** 用户中心 → API 密钥 → 新建 */
export const CreateApiKeyInput = z.object({
  name: nameText(100),
  role: z.enum(API_KEY_ROLES, { error: "invalidRole" }).default("admin"),
});
export type CreateApiKeyInput = z.input<typeof CreateApiKeyInput>;
