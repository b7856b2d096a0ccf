const messages = {
  "zh-CN": { owner: "所有者", admin: "管理员", operator: "运营", warehouse: "仓库", finance: "财务", viewer: "只读" },
  en: { owner: "Owner", admin: "Admin", operator: "Operator", warehouse: "Warehouse", finance: "Finance", viewer: "Viewer" },
};
export default messages;
