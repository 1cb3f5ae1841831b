export const HEALTH_FUNCTION = "health";
