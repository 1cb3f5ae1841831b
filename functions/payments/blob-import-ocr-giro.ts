/**
 * A bank OCR giro file (Nets) landing in the `%OCR_INCOMING_CONTAINER%` container → every transaction onto the
 * payments queue (`makeImportOcrGiro`), where the Service Bus trigger applies it to the case with that KID.
 *
 * EVENT GRID SOURCE. The app runs on Flex Consumption, which does not support the polling blob trigger (container
 * scans and storage logs): a blob trigger there must use the Event Grid source, so this one does
 * (`source: "EventGrid"`). In Azure that needs an Event Grid subscription on the storage account for
 * Microsoft.Storage.BlobCreated in this container, delivered to the host's blob extension webhook
 * (`https://<app>.azurewebsites.net/runtime/webhooks/blobs?functionName=Host.Functions.importOcrGiroFile&code=<blobs_extension key>`),
 * which infra-bicep has to declare. The dev host ignores `source` and polls the container through Azurite (see
 * devhost/blob-triggers.ts), so locally nothing changes.
 *
 * A file that does not parse is refused whole (nothing enqueued) and logged as an error with its line and problem; it
 * is not thrown, because retrying cannot repair a file (the bank must send it again). Transient failures (the queue)
 * throw, so the host retries. Logs carry counts and the file name only: never KIDs, payers' accounts or texts.
 */
import { app, type InvocationContext } from "@azure/functions";
import { makeImportOcrGiro } from "../../shared/application/payments/import-ocr-giro";
import type { AppDeps } from "../deps";
import type { PaymentsDeps } from "./deps";
import { IMPORT_OCR_GIRO_FUNCTION, OCR_INCOMING_PATH } from "./names";

/** Nets files are ISO-8859-1 as a rule; UTF-8 is accepted when the bytes are valid UTF-8. */
export function decodeOcrFile(content: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(content);
  } catch {
    return content.toString("latin1");
  }
}

function contentOf(blob: unknown): Buffer {
  if (Buffer.isBuffer(blob)) return blob;
  if (blob instanceof Uint8Array) return Buffer.from(blob);
  if (blob instanceof ArrayBuffer) return Buffer.from(new Uint8Array(blob));
  if (typeof blob === "string") return Buffer.from(blob, "latin1");
  throw new Error("The blob trigger delivered no content");
}

function fileNameOf(context: InvocationContext): string {
  const name = context.triggerMetadata?.name;
  if (typeof name === "string" && name !== "") return name;
  const path = context.triggerMetadata?.blobTrigger;
  return typeof path === "string" ? path : "unknown";
}

export function makeImportOcrGiroFunction(resolve: () => Pick<AppDeps, "paymentQueue" | "clock">) {
  return async (blob: unknown, context: InvocationContext): Promise<void> => {
    const fileName = fileNameOf(context);
    const result = await makeImportOcrGiro(resolve())(fileName, decodeOcrFile(contentOf(blob)));
    if (!result.ok) {
      context.error("OCR giro file refused: nothing imported", {
        file: fileName,
        code: result.error.code,
        line: result.error.line,
        problem: result.error.message,
      });
      return;
    }
    const s = result.summary;
    context.log("OCR giro file imported onto the payments queue", {
      file: s.source,
      transmission: s.transmissionNumber,
      assignments: s.assignments,
      transactions: s.transactions,
      totalMinorUnits: s.total.value,
      currency: s.total.currency,
      withoutKid: s.withoutKid,
      reversals: s.reversals,
    });
  };
}

export function registerImportOcrGiroFunction(deps: () => PaymentsDeps): void {
  app.storageBlob(IMPORT_OCR_GIRO_FUNCTION, {
    path: OCR_INCOMING_PATH,
    connection: "AzureWebJobsStorage",
    source: "EventGrid",
    handler: makeImportOcrGiroFunction(deps),
  });
}
