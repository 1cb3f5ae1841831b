/** The letters area's function names. */
export const APPLY_DELIVERY_REPORT_FUNCTION = "applyDeliveryReport";
