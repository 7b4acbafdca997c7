export * from "./allocation";
export * from "./demand";
export * from "./errors";
export * from "./lp";
export * from "./normal";
export * from "./plan";
export * from "./policy";
export * from "./recommendation";
