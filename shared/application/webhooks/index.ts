export * from "./attempt-delivery";
export * from "./deliver-webhook";
export * from "./fan-out";
export * from "./register-webhook";
export * from "./retry-schedule";
export * from "./signing";
