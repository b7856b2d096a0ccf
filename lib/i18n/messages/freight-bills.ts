/** 运费账单: freight per outbound order from a carrier's bill (finance). */
const messages = {
  "zh-CN": {
    import: "导入运费账单",
    title: "导入承运商运费账单",
    help: "每行一个跟踪号：按跟踪号匹配本商户的出库单，运费记为该出库单所属订单的物流成本。币种为空按报表币种 {currency}。同一账单号再次导入只更新不重复；账单会替换发货时录入的运费。逐行校验，有错的行跳过，其余一次写入；预览不写入任何数据。",
    billRef: "账单号",
    billRefHint: "文件没有“账单号”列时使用",
    rows: "共 {total} 行：可导入 {valid} 行，有错 {errors} 行",
    confirm: "导入 {count} 行运费",
    done: "已导入：新增 {created} 行，更新 {updated} 行",
    orderNo: "订单号",
  },
  en: {
    import: "Import freight bill",
    title: "Import a carrier's freight bill",
    help: "One tracking number per row: matched to this merchant's outbound order, its freight becomes the freight cost of that outbound's order. An empty currency means the reporting currency {currency}. Importing a bill number again updates its lines, never adds them twice; a bill replaces the freight entered on shipping. Checked row by row: bad rows are skipped, the rest written at once; the preview writes nothing.",
    billRef: "Bill number",
    billRefHint: "Used when the file has no bill-number column",
    rows: "{total} rows: {valid} can be imported, {errors} with errors",
    confirm: "Import {count} freight rows",
    done: "Imported: {created} new, {updated} updated",
    orderNo: "Order no.",
  },
};

export default messages;
