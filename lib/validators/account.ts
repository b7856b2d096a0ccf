import { z } from "zod";
import { passwordInput } from "./auth";
import { requiredText } from "./common";

/** 用户中心 → 个人信息 */
export const UpdateProfileInput = z.object({ name: requiredText(100) });
export type UpdateProfileInput = z.infer<typeof UpdateProfileInput>;

export const ChangePasswordInput = z.object({
  currentPassword: z.string({ error: "required" }).min(1, { error: "required" }).max(200, { error: "tooLong" }),
  newPassword: passwordInput,
});
export type ChangePasswordInput = z.infer<typeof ChangePasswordInput>;

/** 用户中心 → 商户 (the merchant's name and time zone). */
export const OrgProfileInput = z.object({ name: requiredText(100), timezone: requiredText(60) });
export type OrgProfileInput = z.infer<typeof OrgProfileInput>;
