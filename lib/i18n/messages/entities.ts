import warehouse from "./warehouse-shared";

const messages = {
  "zh-CN": {
    ...warehouse.entities["zh-CN"],
    organization: "商户",
    product: "商品",
    customer: "客户",
    address: "收货地址",
    warehouse: "仓库",
    deliveryMethod: "配送方式",
    apiKey: "API 密钥",
    member: "成员",
    invitation: "邀请",
    order: "订单",
    attachment: "附件",
    // production
    operation: "工序",
    route: "工艺路径",
    programme: "生产平台",
    stage: "生产环节",
    plan: "生产计划单",
    orderLine: "订单行",
    planLink: "计划单关联",
  },
  en: {
    ...warehouse.entities.en,
    organization: "Merchant",
    product: "Product",
    customer: "Customer",
    address: "Address",
    warehouse: "Warehouse",
    deliveryMethod: "Delivery method",
    apiKey: "API key",
    member: "Member",
    invitation: "Invitation",
    order: "Order",
    attachment: "Attachment",
    // production
    operation: "Operation",
    route: "Route",
    programme: "Programme",
    stage: "Stage",
    plan: "Production plan",
    orderLine: "Order line",
    planLink: "Plan link",
  },
};
export default messages;
