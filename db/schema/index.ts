export * from "./auth";
export * from "./catalog";
export * from "./inventory";
export * from "./outbox";
export * from "./orders";
export * from "./channels";
export * from "./warehouse";
export * from "./production";
