/**
 * The warehouse domains' (inventory, inbound, outbound, returns) entries of the shared `errors`,
 * `fields` and `entities` namespaces, spread into those files so the warehouse keys live in one place.
 */
const outboundStatusZh =
  "{status, select, pending_audit {待审核} audited {已审核} picking {拣货中} packed {已打包} shipped {已发货} cancelled {已取消} other {{status}}}";
const outboundStatusEn =
  "{status, select, pending_audit {pending audit} audited {audited} picking {picking} packed {packed} shipped {shipped} cancelled {cancelled} other {{status}}}";
const outboundActionZh =
  "{action, select, audit {审核} pick {拣货} pack {打包} ship {发货} cancel {取消} other {{action}}}";
const outboundActionEn =
  "{action, select, audit {audit} pick {pick} pack {pack} ship {ship} cancel {cancel} other {{action}}}";
const orderStatusZh =
  "{status, select, pending {待审核} stock_up {待出库} scheduled {已排产} shipped {已发货} completed {已完成} closed {已关闭} frozen {冻结} voided {作废} other {{status}}}";
const orderStatusEn =
  "{status, select, pending {pending} stock_up {awaiting shipment} scheduled {scheduled} shipped {shipped} completed {completed} closed {closed} frozen {frozen} voided {voided} other {{status}}}";

const errors = {
  "zh-CN": {
    mustNotBeZero: "{fieldLabel}：不能为 0",
    scrapMustBeNegative: "{fieldLabel}：报废只能减少库存，请填写负数",
    adjustBelowAvailable: "{fieldLabel}：库存已被订单预占，最多只能减少 {available}",
    stocktakeNotCounting:
      "盘点单已{status, select, posted {过账} cancelled {取消} other {{status}}}，不能再修改",
    unknownSkus: "以下 SKU 不存在：{skus}",
    stocktakeNothingCounted: "还没有录入任何实盘数量",
    countBelowReserved: "SKU {sku} 的实盘数量低于已预占的 {reserved}",
    countBelowReservedList: "以下 SKU 的实盘数量低于订单已预占的数量，请先取消或调整相关出库订单：{lines}",
    notFoundField: "{fieldLabel}：{entityLabel}不存在",
    warehouseDisabled: "{fieldLabel}：仓库已停用",
    unknownSku: "{fieldLabel}：SKU {sku} 不存在",
    duplicateLine: "{fieldLabel}：与第 {line} 行重复",
    inboundInvalidTransition:
      "入库单当前状态为「{status, select, draft {草稿} submitted {已提交} partially_received {部分收货} received {已收货} cancelled {已取消} other {{status}}}」，不能{action, select, submit {提交} receive {收货} finish {完成收货} cancel {取消} other {{action}}}",
    inboundNotDraft: "只有草稿状态的入库单可以修改",
    changedMeanwhile: "单据已被其他人修改，请刷新后重试",
    inboundNoLines: "入库单至少需要一行商品",
    nothingReceived: "请至少填写一行大于 0 的数量",
    outboundInvalidTransition: `出库单 {no} 当前状态为「${outboundStatusZh}」，不能${outboundActionZh}`,
    pickBatchOneWarehouse: "一个拣货批次只能包含同一个仓库的出库单",
    orderNotShippable: `订单 {orderNo} 当前状态为「${orderStatusZh}」，不能发货`,
    outboundNotAudited: "出库单 {no} 尚未审核通过，请先审核",
    packedMismatch: "{fieldLabel}：SKU {sku} 应打包 {expected}，实际填写 {packed}",
    packLineMissing: "缺少 SKU {sku} 的数量",
    orderNoUnknown: "{fieldLabel}：单号 {no} 不存在",
    orderSplitUseOutbound: "{fieldLabel}：订单 {no} 分成了多个出库单（{outbounds}），请填写出库单号",
    outboundAlreadyShipped: "{fieldLabel}：出库单 {no} 已发货",
    outboundCancelled: "{fieldLabel}：出库单 {no} 已取消",
    carrierRequired: "{fieldLabel}：请填写物流公司（或在上传时选择默认物流公司）",
    trackingFormat: "{fieldLabel}：只能包含字母、数字、空格和 - _ / .",
    returnInvalidTransition:
      "退货单 {no} 当前状态为「{status, select, requested {已申请} received {已收货} inspected {已质检} closed {已关闭} cancelled {已取消} other {{status}}}」，不能{action, select, receive {收货} inspect {质检} close {关闭} cancel {取消} other {{action}}}",
    returnOutboundNotShipped: "出库单 {no} 尚未发货，不能退货",
    returnLineNotOnOrder: "{fieldLabel}：该商品行不属于这个订单（或出库单）",
    returnExceedsShipped: "{fieldLabel}：SKU {sku} 已发货 {shipped}，最多还能退 {max}",
    receivedExceedsRequested: "{fieldLabel}：不能超过申请退货数量 {max}",
    restockWarehouseRequired: "{fieldLabel}：重新入库需要选择仓库",
    dispositionRequired: "{fieldLabel}：请选择重新入库或报废",
    returnLinesRequired: "请至少选择一行要退的商品",
  },
  en: {
    mustNotBeZero: "{fieldLabel}: must not be 0",
    scrapMustBeNegative: "{fieldLabel}: scrapping only takes stock away; enter a negative quantity",
    adjustBelowAvailable: "{fieldLabel}: stock is reserved for orders; at most {available} can be taken away",
    stocktakeNotCounting:
      "The stocktake is already {status, select, posted {posted} cancelled {cancelled} other {{status}}}; it cannot change",
    unknownSkus: "These SKUs do not exist: {skus}",
    stocktakeNothingCounted: "No counted quantity has been entered yet",
    countBelowReserved: "SKU {sku}: counted less than the {reserved} reserved",
    countBelowReservedList:
      "Counted less than what orders have reserved; cancel or change those outbound orders first: {lines}",
    notFoundField: "{fieldLabel}: {entityLabel} not found",
    warehouseDisabled: "{fieldLabel}: the warehouse is disabled",
    unknownSku: "{fieldLabel}: SKU {sku} does not exist",
    duplicateLine: "{fieldLabel}: same as line {line}",
    inboundInvalidTransition:
      "The receipt is {status, select, draft {a draft} submitted {submitted} partially_received {partially received} received {received} cancelled {cancelled} other {{status}}}; it cannot be {action, select, submit {submitted} receive {received} finish {finished} cancel {cancelled} other {{action}}}",
    inboundNotDraft: "Only draft receipts can be edited",
    changedMeanwhile: "Someone else changed this document; reload and try again",
    inboundNoLines: "A receipt needs at least one line",
    nothingReceived: "Enter a quantity greater than 0 on at least one line",
    outboundInvalidTransition: `Outbound order {no} is ${outboundStatusEn}; it cannot ${outboundActionEn}`,
    pickBatchOneWarehouse: "A pick batch can only hold outbound orders of one warehouse",
    orderNotShippable: `Order {orderNo} is ${orderStatusEn}; it cannot ship`,
    outboundNotAudited: "Outbound order {no} has not passed audit yet; audit it first",
    packedMismatch: "{fieldLabel}: SKU {sku} should have {expected} packed, got {packed}",
    packLineMissing: "Quantity for SKU {sku} is missing",
    orderNoUnknown: "{fieldLabel}: number {no} not found",
    orderSplitUseOutbound:
      "{fieldLabel}: order {no} is split into several outbound orders ({outbounds}); use the outbound number",
    outboundAlreadyShipped: "{fieldLabel}: outbound order {no} has already shipped",
    outboundCancelled: "{fieldLabel}: outbound order {no} is cancelled",
    carrierRequired: "{fieldLabel}: give a carrier (or choose a default carrier for the upload)",
    trackingFormat: "{fieldLabel}: only letters, digits, spaces and - _ / .",
    returnInvalidTransition:
      "Return {no} is {status, select, requested {requested} received {received} inspected {inspected} closed {closed} cancelled {cancelled} other {{status}}}; it cannot be {action, select, receive {received} inspect {inspected} close {closed} cancel {cancelled} other {{action}}}",
    returnOutboundNotShipped: "Outbound order {no} has not shipped; nothing to return",
    returnLineNotOnOrder: "{fieldLabel}: this line is not on the order (or outbound order)",
    returnExceedsShipped: "{fieldLabel}: SKU {sku} shipped {shipped}; at most {max} more can be returned",
    receivedExceedsRequested: "{fieldLabel}: cannot exceed the {max} requested",
    restockWarehouseRequired: "{fieldLabel}: choose the warehouse to restock into",
    dispositionRequired: "{fieldLabel}: choose restock or scrap",
    returnLinesRequired: "Choose at least one line to return",
  },
};

const fields = {
  "zh-CN": {
    quantity: "数量",
    qty: "数量",
    countedQty: "实盘数量",
    expectedQty: "预期数量",
    receivedQty: "实收数量",
    packedQty: "打包数量",
    reason: "原因",
    carrier: "物流公司",
    trackingNumber: "跟踪号",
    warehouseId: "仓库",
    productId: "商品",
    location: "库位",
    supplier: "供应商",
    reference: "参考号",
    expectedDate: "预计到货日期",
    orderNo: "订单号",
    number: "单号",
    disposition: "处理方式",
    orderLineId: "商品行",
    lineId: "商品行",
    outboundId: "出库单",
    skus: "SKU",
    platformRef: "平台退货单号",
    lines: "商品明细",
    items: "出库单",
    ids: "出库单",
    kind: "类型",
  },
  en: {
    quantity: "Quantity",
    qty: "Quantity",
    countedQty: "Counted quantity",
    expectedQty: "Expected quantity",
    receivedQty: "Received quantity",
    packedQty: "Packed quantity",
    reason: "Reason",
    carrier: "Carrier",
    trackingNumber: "Tracking number",
    warehouseId: "Warehouse",
    productId: "Product",
    location: "Bin location",
    supplier: "Supplier",
    reference: "Reference",
    expectedDate: "Expected date",
    orderNo: "Order number",
    number: "Number",
    disposition: "Disposition",
    orderLineId: "Order line",
    lineId: "Line",
    outboundId: "Outbound order",
    skus: "SKUs",
    platformRef: "Platform return no.",
    lines: "Lines",
    items: "Outbound orders",
    ids: "Outbound orders",
    kind: "Kind",
  },
};

const entities = {
  "zh-CN": {
    inboundReceipt: "入库单",
    inboundLine: "入库单商品行",
    outboundOrder: "出库单",
    outboundLine: "出库单商品行",
    pickBatch: "拣货批次",
    stocktake: "盘点单",
    stocktakeLine: "盘点行",
    return: "退货单",
    returnLine: "退货商品行",
  },
  en: {
    inboundReceipt: "Inbound receipt",
    inboundLine: "Receipt line",
    outboundOrder: "Outbound order",
    outboundLine: "Outbound line",
    pickBatch: "Pick batch",
    stocktake: "Stocktake",
    stocktakeLine: "Stocktake line",
    return: "Return",
    returnLine: "Return line",
  },
};

const warehouseShared = { errors, fields, entities };
export default warehouseShared;
