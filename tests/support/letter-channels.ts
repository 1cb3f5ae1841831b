/**
 * In-memory letter channels for unit tests: they record what was handed over, can refuse, and report outcomes back
 * through the application's DeliveryReportSink the way the real channels do (an e-mail's delivery report, the print
 * house's receipt).
 */
import type { DeliveryReportSink } from "../../shared/ports/delivery-report";
import type { DigitalMail, DigitalMailbox, DigitalMailOutcome } from "../../shared/ports/digital-mailbox";
import type { EmailMessage, EmailSender, EmailSendOutcome } from "../../shared/ports/email-sender";
import type { PrintHouse, PrintLetter } from "../../shared/ports/print-house";

export class RecordingEmail implements EmailSender {
  readonly sent: EmailMessage[] = [];
  refuse: { retryable: boolean; reason: string } | null = null;

  async send(message: EmailMessage): Promise<EmailSendOutcome> {
    if (this.refuse) return { ok: false, ...this.refuse };
    if (!this.sent.some((m) => m.messageId === message.messageId)) this.sent.push(message);
    return { ok: true, messageId: message.messageId };
  }
}

export class RecordingMailbox implements DigitalMailbox {
  readonly sent: DigitalMail[] = [];
  readonly holders = new Set<string>();

  async hasMailbox(recipient: { nationalId: string }): Promise<boolean> {
    return this.holders.has(recipient.nationalId);
  }

  async send(mail: DigitalMail): Promise<DigitalMailOutcome> {
    if (!this.holders.has(mail.recipient.nationalId))
      return { ok: false, retryable: false, reason: "UNKNOWN_RECIPIENT", noMailbox: true };
    if (!this.sent.some((m) => m.messageId === mail.messageId)) this.sent.push(mail);
    return { ok: true, messageId: mail.messageId, status: "delivered" };
  }
}

export class RecordingPrintHouse implements PrintHouse {
  readonly submitted: PrintLetter[] = [];
  readonly reported = new Set<string>();

  async submit(letter: PrintLetter): Promise<void> {
    if (!this.submitted.some((l) => l.letterId === letter.letterId)) this.submitted.push(letter);
  }

  /** The print house's receipt: every letter not yet reported is posted (or returned) at `at`. */
  async post(sink: DeliveryReportSink, at: string, status: "Posted" | "Returned" = "Posted"): Promise<number> {
    let n = 0;
    for (const l of this.submitted) {
      if (this.reported.has(l.letterId)) continue;
      this.reported.add(l.letterId);
      await sink.record({
        channel: "print",
        messageId: l.letterId,
        outcome: status === "Posted" ? "delivered" : "failed",
        status,
        at,
      });
      n++;
    }
    return n;
  }
}
