export * from "./kid";
export * from "./bank-account";
export * from "./org-number";
export * from "./national-id";
export * from "./phone";
