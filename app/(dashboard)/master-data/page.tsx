import { redirect } from "next/navigation";

/** 基础资料管理 opens on its first list. */
export default function MasterDataPage() {
  redirect("/master-data/products");
}
