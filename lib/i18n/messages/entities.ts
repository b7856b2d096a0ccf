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
  },
};
export default messages;
