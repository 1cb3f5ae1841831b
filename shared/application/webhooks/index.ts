export * from "./deliver";
export * from "./delivery-message";
export * from "./fan-out";
export * from "./register-webhook";
export * from "./retry-schedule";
export * from "./signing";
