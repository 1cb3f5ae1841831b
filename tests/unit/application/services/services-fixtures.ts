/**
 * A broadband creditor connected to its partner system, with literal ports (tests/unit/functions/api/api-fixtures.ts)
 * and the FakePartnerGateway: cases with a service, the commands the ladder or a payment decides, the session
 * trigger's sends, and the partner's signed callbacks — so a test can walk a service through suspend and reopen and
 * look at what the debtor (SMS), the creditor (webhooks, the case) and operators see. Every SMS and every publish call
 * is recorded as made (before the memory publisher's duplicate detection), so "sent once" means once.
 */
import { HttpRequest } from "@azure/functions";
import { Webhook } from "standardwebhooks";
import { expect } from "vitest";
import { makeInvoiceFunctions } from "../../../../functions/api/http-invoices";
import { makeGetCase } from "../../../../shared/application/get-case";
import { makeRecordDirectPayment } from "../../../../shared/application/record-direct-payment";
import { suspendServices } from "../../../../shared/application/services/case-services";
import { dispatchCommands } from "../../../../shared/application/services/dispatch";
import {
  makeApplyPartnerCallback,
  makeSendPartnerCommand,
  type CallbackOutcome,
  type SendOutcome,
} from "../../../../shared/application/services/partner-commands";
import type { ManagedService } from "../../../../shared/domain/service-lifecycle";
import type { CaseEventMessage } from "../../../../shared/ports/event-publisher";
import type { PartnerCommandMessage } from "../../../../shared/ports/partner-command-queue";
import { StoredPartnerConnection } from "../../../../shared/ports/partner-connection-store";
import type { PartnerOrder } from "../../../../shared/ports/partner-gateway";
import type { SecretVault } from "../../../../shared/ports/secret-vault";
import type { SmsMessage } from "../../../../shared/ports/sms-sender";
import { read } from "../../http/http-fixtures";
import { context, invoiceBody, seedTenant, testWorld, type TestWorld } from "../../functions/api/api-fixtures";

/** The tenant's partner connection secret: our requests and the partner's callbacks are signed with it. */
export const PARTNER_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/** A Tuesday in December: suspension is allowed (Oslo, not a holiday, not the day before one). */
export const TUESDAY = "2026-12-08T09:00:00Z";
export const SERVICE_ID = "bb-1";
export const CUSTOMER_NAME = "Kari Nordmann";
export const CUSTOMER_PHONE = "+4791234567";

export interface ServicesWorld extends TestWorld {
  tenantId: string;
  apiKey: string;
  /** Every SMS the use cases asked to send, in order. */
  sms: SmsMessage[];
  /** Every event handed to the publisher, in order, duplicates included. */
  publishCalls: CaseEventMessage[];
  /** Moves the world's clock on by `ms`. */
  advance(ms: number): void;
}

export async function servicesWorld(
  options: { now?: string; connected?: boolean; vault?: SecretVault } = {},
): Promise<ServicesWorld> {
  const world = testWorld({ now: options.now ?? TUESDAY, ...(options.vault ? { vault: options.vault } : {}) });
  const { tenantId, apiKey } = await seedTenant(world);
  if (options.connected !== false) {
    await world.deps.partnerConnections.put(tenantId, () =>
      StoredPartnerConnection.parse({
        schemaVersion: 1,
        tenantId,
        baseUrl: "https://provisioning.example.no",
        auth: { kind: "hmac", secret: PARTNER_SECRET },
        role: "broadband-provider",
        createdAt: "2026-12-01T00:00:00.000Z",
        updatedAt: "2026-12-01T00:00:00.000Z",
      }),
    );
  }
  const sms: SmsMessage[] = [];
  world.deps.sms = {
    send: async (message) => {
      sms.push(message);
      return { ok: true, messageId: `m-${String(sms.length)}` };
    },
  };
  const publishCalls: CaseEventMessage[] = [];
  const memory = world.events;
  world.deps.events = {
    publish: async (events) => {
      publishCalls.push(...structuredClone(events));
      await memory.publish(events);
    },
  };
  return {
    ...world,
    tenantId,
    apiKey,
    sms,
    publishCalls,
    advance: (ms) => world.clock.set(new Date(world.clock.now().getTime() + ms).toISOString()),
  };
}

/** The creditor hands over an overdue broadband invoice (due 2026-11-05) with one service; returns the case id. */
export async function registerBroadband(
  w: ServicesWorld,
  options: { invoiceNumber?: string; serviceId?: string } = {},
): Promise<string> {
  const body = invoiceBody({
    invoiceNumber: options.invoiceNumber ?? "INV-1",
    services: [{ serviceId: options.serviceId ?? SERVICE_ID, kind: "broadband" }],
  });
  const res = await read(
    await makeInvoiceFunctions(w.resolve).registerInvoice(
      new HttpRequest({
        method: "POST",
        url: "http://localhost/api/v1/invoices",
        headers: { "content-type": "application/json", "x-api-key": w.apiKey },
        body: { string: JSON.stringify(body) },
      }),
      context(),
    ),
  );
  expect(res.status, res.text).toBe(201);
  return res.json.caseId as string;
}

/** The ladder's suspension step: the service is ordered suspended in the case's write, then the command is queued. */
export async function orderSuspension(w: ServicesWorld, caseId: string, serviceId = SERVICE_ID): Promise<void> {
  let commands: PartnerCommandMessage[] = [];
  await w.deps.cases.update(w.tenantId, caseId, (r) => {
    const changed = suspendServices(r, [serviceId], w.clock.now());
    commands = changed.commands;
    return changed.record;
  });
  await dispatchCommands(w.deps.partnerCommands, commands);
}

/** The session trigger takes every queued message (delayed ones too) and sends it; the outcomes in order. */
export async function sendQueued(w: ServicesWorld): Promise<SendOutcome[]> {
  const send = makeSendPartnerCommand(w.deps);
  const outcomes: SendOutcome[] = [];
  for (const message of w.partnerCommands.drain()) outcomes.push(await send(message));
  return outcomes;
}

export async function serviceOf(w: ServicesWorld, caseId: string, serviceId = SERVICE_ID): Promise<ManagedService> {
  const record = await w.deps.cases.get(w.tenantId, caseId);
  const service = record?.case.services.find((s) => s.serviceId === serviceId);
  if (!service) throw new Error(`no service ${serviceId} on ${caseId}`);
  return service;
}

/** The id of the service's current command. */
export async function currentCommandId(w: ServicesWorld, caseId: string, serviceId = SERVICE_ID): Promise<string> {
  const id = (await serviceOf(w, caseId, serviceId)).lastCommand?.commandId;
  if (!id) throw new Error("the service has no command");
  return id;
}

let eventCounter = 0;

/** A ServiceOrderStateChangeEvent about `order`, signed by the partner just now: `{ headers, body }`. */
export function signedCallback(
  w: Pick<ServicesWorld, "clock">,
  order: PartnerOrder,
  options: { eventId?: string; secret?: string } = {},
): { headers: Record<string, string>; body: string } {
  const eventId = options.eventId ?? `evt-${String(++eventCounter)}`;
  const now = w.clock.now();
  const body = JSON.stringify({
    eventId,
    eventTime: now.toISOString(),
    eventType: "ServiceOrderStateChangeEvent",
    event: {
      serviceOrder: {
        id: order.id,
        externalId: order.externalId,
        state: order.state,
        serviceOrderItem: order.serviceOrderItem.map((i) => ({
          id: i.id,
          state: i.state ?? order.state,
          service: { id: i.service.id, state: i.service.state ?? "active" },
        })),
      },
    },
  });
  return signed(w, eventId, body, options.secret);
}

/** Any body, signed by the partner just now under `eventId` (Standard Webhooks headers). */
export function signed(
  w: Pick<ServicesWorld, "clock">,
  eventId: string,
  body: string,
  secret = PARTNER_SECRET,
): { headers: Record<string, string>; body: string } {
  const now = w.clock.now();
  return {
    body,
    headers: {
      "content-type": "application/json",
      "webhook-id": eventId,
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": new Webhook(secret).sign(eventId, now, body),
    },
  };
}

/** The partner's callback, applied by the use case (the HTTP edge is tested on its own). */
export async function deliverCallback(
  w: ServicesWorld,
  delivery: { headers: Record<string, string>; body: string },
): Promise<CallbackOutcome> {
  return makeApplyPartnerCallback(w.deps)({ tenantId: w.tenantId, ...delivery });
}

/** The partner finishes the order of `commandId` (completed by default) and calls back about it. */
export async function partnerFinishes(
  w: ServicesWorld,
  commandId: string,
  state: Parameters<ServicesWorld["partnerGateway"]["complete"]>[1] = "completed",
): Promise<CallbackOutcome> {
  return deliverCallback(w, signedCallback(w, w.partnerGateway.complete(commandId, state)));
}

/** An overdue broadband case whose service the partner has confirmed suspended. */
export async function suspendedCase(w: ServicesWorld): Promise<string> {
  const caseId = await registerBroadband(w);
  await orderSuspension(w, caseId);
  expect(await sendQueued(w)).toEqual([{ kind: "sent", partnerState: "acknowledged" }]);
  expect(await partnerFinishes(w, await currentCommandId(w, caseId))).toEqual({ kind: "applied", state: "suspended" });
  return caseId;
}

/** The creditor records a direct payment of the whole balance (the case is paid: its services are reopened). */
export async function payInFull(w: ServicesWorld, caseId: string): Promise<void> {
  const view = await makeGetCase(w.deps)(w.tenantId, caseId);
  await makeRecordDirectPayment(w.deps)(w.tenantId, caseId, {
    amount: view.balance.total,
    paidAt: w.clock.now().toISOString().slice(0, 10),
    reference: `bank-${caseId}`,
  });
}

/** The events of `type` handed to the publisher (duplicates included). */
export function published(w: ServicesWorld, type: CaseEventMessage["type"]): CaseEventMessage[] {
  return w.publishCalls.filter((e) => e.type === type);
}
