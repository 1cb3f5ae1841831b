/**
 * Finds the case a message belongs to from the id a channel reports it by (ACS e-mail operation id, Digipost message
 * id, print letter id). Written before the message is handed to its channel, so a report can never arrive for a
 * message the index does not know yet. `put` is an idempotent upsert of the same reference.
 */
export interface DeliveryRef {
  tenantId: string;
  caseId: string;
  /** The delivery on the case (`LetterDelivery.deliveryId`). */
  deliveryId: string;
}

export interface DeliveryIndex {
  put(messageId: string, ref: DeliveryRef): Promise<void>;
  get(messageId: string): Promise<DeliveryRef | undefined>;
}
