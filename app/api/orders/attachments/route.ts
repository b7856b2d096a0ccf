import { handleRoute } from "@/server/api/handle-route";
import { stageAttachment } from "@/server/services/orders/attachments";
import { uploadedFile } from "../_shared";

export const runtime = "nodejs";

/** Upload a file on the new-order form (before the order exists); createOrder links it by id. */
export function POST(req: Request) {
  return handleRoute(req, "orders.write", async ({ svc }) => Response.json(await stageAttachment(svc, await uploadedFile(req)), { status: 201 }));
}
