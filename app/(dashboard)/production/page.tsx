import { redirect } from "next/navigation";

/** 生产管理 opens on the plans. */
export default function ProductionPage() {
  redirect("/production/plans");
}
