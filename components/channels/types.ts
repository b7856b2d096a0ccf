import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

/** A channel account as the accounts page lists it (and its dialogs edit it). */
export type AccountRow = inferRouterOutputs<AppRouter>["channels"]["list"][number];
