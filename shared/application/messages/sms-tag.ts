/**
 * The tag a ladder SMS is sent with. ACS gives it back in the SMS's delivery report (`tag` of
 * `Microsoft.Communication.SMSDeliveryReportReceived`), so the report names its case and its delivery on the case
 * itself: no index document is written when the SMS goes, and none is read when its report comes.
 *
 * The formats are the ones SMS have always been tagged with — `{caseId}:{stepKey}` for the Let's pay SMS (delivery
 * `{stepKey}:sms`), `{caseId}:{stepKey}:alert` for a letter's alert (delivery `{stepKey}:alert`) — so a report for an
 * SMS sent before reports were read this way finds its case too. A case id holds no colon (`c_` + base32). An
 * instalment plan's SMS is tagged `{caseId}:instalment:{dueDate}:reminder|missed` (instalments/instalment-actions.ts);
 * a pay link staff sent from the portal `{caseId}:paylink:{sendId}` (portal/send-pay-link.ts).
 */

/** The tag of the SMS tracked on case `caseId` as delivery `deliveryId` (`{stepKey}:sms` or `{stepKey}:alert`). */
export function smsTagFor(caseId: string, deliveryId: string): string {
  return `${caseId}:${deliveryId.endsWith(":sms") ? deliveryId.slice(0, -":sms".length) : deliveryId}`;
}

/** The case and the delivery an SMS's tag names, or undefined for a tag this platform did not write. */
export function smsDeliveryOfTag(tag: string | undefined): { caseId: string; deliveryId: string } | undefined {
  if (tag === undefined) return undefined;
  const match =
    /^([^:]+):(step:\d+:[a-z-]+|instalment:\d{4}-\d{2}-\d{2}:[a-z]+|paylink:[a-f0-9]{1,32})(:alert)?$/u.exec(tag);
  if (!match) return undefined;
  const [, caseId, stepKey, alert] = match;
  return { caseId: caseId!, deliveryId: `${stepKey!}${alert ? ":alert" : ":sms"}` };
}
