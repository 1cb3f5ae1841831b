/**
 * The two case events the KPI funnel needs beyond what the ladder already tells (issue 16): `message.delivered` (a
 * step's message reached the debtor: ACS SMS and e-mail delivery reports, a letter delivered by any channel) and
 * `message.opened` (the pay link a step's message carried was opened for the first time). Both are on the
 * `case-events` topic, so creditors may subscribe to them as webhooks too. They carry ids, the step, the channel and
 * the time — never an address, a phone number, a name or the link's token.
 */
import { createHash } from "node:crypto";
import type { CaseRecord, LetterDelivery } from "../../ports/case-store";
import type { CaseEventMessage, EventPublisher } from "../../ports/event-publisher";
import type { PayLink, PayLinkStore } from "../../ports/pay-link-store";
import { caseEvent } from "../case-context";

/** `message.delivered` for a delivery the channel reported delivered (one per delivery id). */
export function messageDeliveredEvent(record: CaseRecord, delivery: LetterDelivery, now: Date): CaseEventMessage {
  const step = record.case.steps.find((s) => s.stepIndex === delivery.stepIndex)?.kind ?? delivery.kind;
  return caseEvent("message.delivered", record, delivery.deliveryId, now, {
    deliveryId: delivery.deliveryId,
    stepIndex: delivery.stepIndex,
    step,
    channel: delivery.channel,
    deliveredAt: delivery.deliveredAt ?? now.toISOString(),
  });
}

/**
 * The `message.opened` events of a link's first open: one per case the link covers, the issuing case's with its
 * step index (the others were named in the same message). The id is derived from the link, so a second "first" open
 * (the mark was lost) publishes the very same events, which the topic and the projection drop.
 */
export function messageOpenedEvents(link: PayLink, now: Date): CaseEventMessage[] {
  const issuedBy = link.issuedBy;
  if (!issuedBy) return [];
  const linkId = createHash("sha256").update(link.tokenHash).digest("hex").slice(0, 24);
  const [, index] = /^step:(\d+):/u.exec(issuedBy.stepKey) ?? [];
  return link.caseIds.map((caseId) =>
    caseEvent("message.opened", { tenantId: link.tenantId, caseId }, `link-${linkId}`, now, {
      step: issuedBy.step,
      channel: issuedBy.channel,
      ...(caseId === issuedBy.caseId && index !== undefined ? { stepIndex: Number(index) } : {}),
      openedAt: now.toISOString(),
    }),
  );
}

/**
 * Counts a pay link's first open: publishes its `message.opened` events and marks the link opened — one write on
 * the first view, none on later views (the link read already says `openedAt`). Never throws: the page is shown
 * whatever happens here, and an open not counted now is counted at the next view.
 */
export async function countFirstOpen(
  deps: { payLinks: PayLinkStore; events?: EventPublisher },
  link: PayLink,
  now: Date,
): Promise<void> {
  if (!link.issuedBy || link.openedAt !== undefined || !deps.events || !deps.payLinks.markOpened) return;
  try {
    await deps.events.publish(messageOpenedEvents(link, now));
    await deps.payLinks.markOpened(link.tokenHash, now.toISOString());
  } catch {
    // Counted at the next view (same event ids: counted once).
  }
}
