import { z } from "zod";
import { ROLES } from "@/lib/permissions";
import { emailInput, nameText } from "./common";

export const passwordInput = z.string().min(8, { error: "passwordTooShort" }).max(200, { error: "tooLong" });

export const slugInput = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, { error: "slugFormat" })
  .max(40, { error: "slugFormat" })
  .regex(/^[a-z0-9][a-z0-9-]*$/, { error: "slugFormat" });

export const SignUpInput = z.object({
  name: nameText(100),
  email: emailInput,
  password: passwordInput,
  orgName: nameText(100).optional(),
  orgSlug: slugInput.optional(),
  inviteToken: z.string().max(200).optional(),
});
export type SignUpInput = z.infer<typeof SignUpInput>;

export const SignInInput = z.object({ email: emailInput, password: z.string().min(1, { error: "required" }).max(200) });

export const roleInput = z.enum(ROLES, { error: "invalidRole" });

export const InviteInput = z.object({ email: emailInput, role: roleInput });
export type InviteInput = z.infer<typeof InviteInput>;

export const CreateOrgInput = z.object({ name: nameText(100), slug: slugInput });
