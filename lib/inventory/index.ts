export * from "./allocation";
export * from "./demand";
export * from "./errors";
export * from "./normal";
export * from "./policy";
export * from "./recommendation";
