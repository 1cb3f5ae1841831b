import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../../../shared/domain/errors";
import {
  block,
  commandAttempted,
  legacyService,
  ManagedService,
  newService,
  overdue,
  partnerReported,
  PartnerOrderState,
  reevaluate,
  suspend,
  unblock,
  type ServiceTransition,
} from "../../../shared/domain/service-lifecycle";

const T0 = Date.parse("2026-12-03T10:00:00.000Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const LIMIT = 60_000;
const CS = { reason: "Fraud suspected by the creditor", by: "agent-17" };

const broadband = () => newService("svc-1", "broadband");

/** A broadband service the partner has confirmed suspended (command "c1"). */
function suspended(): ManagedService {
  const s = suspend(broadband(), { commandId: "c1", now: at(0) }).service;
  return partnerReported(s, { commandId: "c1", partnerState: "completed", at: at(2), partnerOrderId: "po-1" }).service;
}

/** A suspended service whose reopen (command "c2") has been issued after a payment. */
function reopening(): ManagedService {
  return reevaluate(suspended(), { overdue: false, now: at(100), newCommandId: "c2" }).service;
}

describe("suspending a service for non-payment", () => {
  it("blocks it as overdue and sends one command setting it inactive", () => {
    const t = suspend(broadband(), { commandId: "c1", now: at(0) });
    expect(t.service.state).toBe("suspending");
    expect(t.service.blockers).toEqual([{ kind: "overdue", since: "2026-12-03T10:00:00.000Z" }]);
    expect(t.commands).toEqual([
      { commandId: "c1", serviceId: "svc-1", kind: "broadband", target: "inactive", sequence: 1 },
    ]);
    expect(t.service.lastCommand).toMatchObject({ commandId: "c1", partnerState: null, attempts: 0 });
  });

  it("stays suspending while the partner has only acknowledged and is working on the order", () => {
    let s = suspend(broadband(), { commandId: "c1", now: at(0) }).service;
    s = partnerReported(s, {
      commandId: "c1",
      partnerState: "acknowledged",
      at: at(1),
      partnerOrderId: "po-1",
    }).service;
    s = partnerReported(s, { commandId: "c1", partnerState: "inProgress", at: at(2) }).service;
    expect(s.state).toBe("suspending");
    expect(s.lastCommand).toMatchObject({ partnerState: "inProgress", partnerOrderId: "po-1" });
    expect(s.lastCommand?.confirmedAt).toBeUndefined();
  });

  it("is suspended once the partner reports the order completed, with the confirmation time", () => {
    const s = suspend(broadband(), { commandId: "c1", now: at(0) }).service;
    const t = partnerReported(s, { commandId: "c1", partnerState: "completed", at: at(3) });
    expect(t.service.state).toBe("suspended");
    expect(t.service.lastCommand?.confirmedAt).toBe("2026-12-03T10:00:03.000Z");
    expect(t.events).toEqual([
      { type: "service-suspended", serviceId: "svc-1", commandId: "c1", at: "2026-12-03T10:00:03.000Z" },
    ]);
  });

  it("refuses to suspend a service that is not active", () => {
    expect(() => suspend(suspended(), { commandId: "c9", now: at(5) })).toThrow(
      expect.objectContaining({ code: "SERVICE_SUSPENSION_NOT_ALLOWED" }),
    );
    expect(() => suspend(reopening(), { commandId: "c9", now: at(5) })).toThrow(
      expect.objectContaining({ code: "SERVICE_SUSPENSION_NOT_ALLOWED" }),
    );
  });

  it("counts every attempt to send the current command and when it was last sent", () => {
    let s = suspend(broadband(), { commandId: "c1", now: at(0) }).service;
    s = commandAttempted(s, { commandId: "c1", at: at(1) }).service;
    s = commandAttempted(s, { commandId: "c1", at: at(9) }).service;
    s = commandAttempted(s, { commandId: "old", at: at(10) }).service;
    expect(s.lastCommand).toMatchObject({ attempts: 2, sentAt: "2026-12-03T10:00:09.000Z" });
  });
});

describe("reopening after payment", () => {
  it("reopens a suspended service by a new command once nothing is overdue", () => {
    const t = reevaluate(suspended(), { overdue: false, now: at(100), newCommandId: "c2" });
    expect(t.service.state).toBe("reopening");
    expect(t.service.blockers).toEqual([]);
    expect(t.commands).toEqual([
      { commandId: "c2", serviceId: "svc-1", kind: "broadband", target: "active", sequence: 2 },
    ]);
  });

  it("does not reopen while the case is still overdue", () => {
    const t = reevaluate(suspended(), { overdue: true, now: at(100), newCommandId: "c2" });
    expect(t.service.state).toBe("suspended");
    expect(t.commands).toEqual([]);
  });

  it("is active again only when the partner confirms the reopen order", () => {
    let s = reopening();
    s = partnerReported(s, { commandId: "c2", partnerState: "inProgress", at: at(101) }).service;
    expect(s.state).toBe("reopening");
    const t = partnerReported(s, { commandId: "c2", partnerState: "completed", at: at(102) });
    expect(t.service.state).toBe("active");
    expect(t.service.lastCommand?.confirmedAt).toBe("2026-12-03T10:01:42.000Z");
    expect(t.events).toEqual([
      { type: "service-reopened", serviceId: "svc-1", commandId: "c2", at: "2026-12-03T10:01:42.000Z" },
    ]);
  });

  it("supersedes a suspension still in flight by a new reopen order instead of cancelling it", () => {
    let s = suspend(broadband(), { commandId: "c1", now: at(0) }).service;
    s = partnerReported(s, { commandId: "c1", partnerState: "acknowledged", at: at(1) }).service;
    const t = reevaluate(s, { overdue: false, now: at(5), newCommandId: "c2" });
    expect(t.service.state).toBe("reopening");
    expect(t.commands).toEqual([
      { commandId: "c2", serviceId: "svc-1", kind: "broadband", target: "active", sequence: 2, supersedes: "c1" },
    ]);
    const late = partnerReported(t.service, { commandId: "c1", partnerState: "completed", at: at(6) });
    expect(late.service).toEqual(t.service);
    expect(late.events).toEqual([]);
  });

  it("ignores a duplicate completion and a late progress report for the same order", () => {
    const reopened = partnerReported(reopening(), { commandId: "c2", partnerState: "completed", at: at(102) }).service;
    const again = partnerReported(reopened, { commandId: "c2", partnerState: "completed", at: at(103) });
    const stale = partnerReported(reopened, { commandId: "c2", partnerState: "inProgress", at: at(104) });
    expect(again).toEqual({ service: reopened, commands: [], events: [] });
    expect(stale).toEqual({ service: reopened, commands: [], events: [] });
  });

  it("marks the service failed when the partner rejects the reopen, and reopens by a new order on the next re-evaluation", () => {
    const t = partnerReported(reopening(), { commandId: "c2", partnerState: "rejected", at: at(101) });
    expect(t.service.state).toBe("failed");
    expect(t.events).toEqual([
      {
        type: "service-command-failed",
        serviceId: "svc-1",
        commandId: "c2",
        target: "active",
        partnerState: "rejected",
        at: "2026-12-03T10:01:41.000Z",
      },
    ]);
    const retry = reevaluate(t.service, { overdue: false, now: at(200), newCommandId: "c3" });
    expect(retry.service.state).toBe("reopening");
    expect(retry.commands).toMatchObject([{ commandId: "c3", target: "active", sequence: 3 }]);
  });

  it("refuses to reuse a command id, since the partner would answer with the old order", () => {
    expect(() => reevaluate(suspended(), { overdue: false, now: at(100), newCommandId: "c1" })).toThrow(
      expect.objectContaining({ code: "DUPLICATE_SERVICE_COMMAND_ID" }),
    );
  });
});

describe("escalating a reopen the partner does not confirm", () => {
  it("leaves a reopen alone within the limit", () => {
    expect(overdue(reopening(), at(160), LIMIT).service.state).toBe("reopening");
  });

  it("escalates a reopen not confirmed within the limit, once", () => {
    const t = overdue(reopening(), at(161), LIMIT);
    expect(t.service.state).toBe("escalated");
    expect(t.events).toEqual([
      {
        type: "service-reopen-delayed",
        serviceId: "svc-1",
        commandId: "c2",
        issuedAt: "2026-12-03T10:01:40.000Z",
        at: "2026-12-03T10:02:41.000Z",
      },
    ]);
    expect(overdue(t.service, at(400), LIMIT).events).toEqual([]);
  });

  it("becomes active when the partner confirms the escalated reopen late", () => {
    const escalated = overdue(reopening(), at(161), LIMIT).service;
    const t = partnerReported(escalated, { commandId: "c2", partnerState: "completed", at: at(500) });
    expect(t.service.state).toBe("active");
  });

  it("never escalates a suspension", () => {
    const s = suspend(broadband(), { commandId: "c1", now: at(0) }).service;
    expect(overdue(s, at(10_000), LIMIT).service.state).toBe("suspending");
  });
});

describe("blocking a service by hand", () => {
  it("suspends an active service, recording who blocked it and why", () => {
    const t = block(broadband(), CS, { commandId: "c1", now: at(0) });
    expect(t.service.state).toBe("suspending");
    expect(t.service.blockers).toEqual([{ kind: "manual", ...CS, since: "2026-12-03T10:00:00.000Z" }]);
    expect(t.commands).toMatchObject([{ target: "inactive" }]);
  });

  it("keeps a suspended service closed after payment until the manual block is lifted", () => {
    const blocked = block(suspended(), CS, { commandId: "unused", now: at(50) });
    expect(blocked.commands).toEqual([]);
    const paid = reevaluate(blocked.service, { overdue: false, now: at(100), newCommandId: "c2" });
    expect(paid.service.state).toBe("suspended");
    expect(paid.service.blockers.map((b) => b.kind)).toEqual(["manual"]);
    expect(paid.commands).toEqual([]);
    const lifted = unblock(paid.service, "manual", { now: at(200), newCommandId: "c3" });
    expect(lifted.service.state).toBe("reopening");
    expect(lifted.commands).toMatchObject([{ commandId: "c3", target: "active" }]);
  });

  it("does not reopen when the manual block is lifted while the case is still overdue", () => {
    const blocked = block(suspended(), CS, { commandId: "unused", now: at(50) }).service;
    const t = unblock(blocked, "manual", { now: at(60), newCommandId: "c3" });
    expect(t.service.state).toBe("suspended");
    expect(t.commands).toEqual([]);
  });

  it("supersedes a reopen in flight by a new suspension order", () => {
    const t = block(reopening(), CS, { commandId: "c3", now: at(110) });
    expect(t.service.state).toBe("suspending");
    expect(t.commands).toEqual([
      { commandId: "c3", serviceId: "svc-1", kind: "broadband", target: "inactive", sequence: 3, supersedes: "c2" },
    ]);
  });

  it("refuses a second manual block, an unblock with nothing to lift, and a block without a reason", () => {
    const blocked = block(broadband(), CS, { commandId: "c1", now: at(0) }).service;
    expect(() => block(blocked, CS, { commandId: "c2", now: at(1) })).toThrow(
      expect.objectContaining({ code: "SERVICE_BLOCK_CONFLICT" }),
    );
    expect(() => unblock(broadband(), "manual", { now: at(1), newCommandId: "c2" })).toThrow(
      expect.objectContaining({ code: "SERVICE_UNBLOCK_NOT_ALLOWED" }),
    );
    expect(() => block(broadband(), { reason: " ", by: "agent-17" }, { commandId: "c1", now: at(0) })).toThrow(
      expect.objectContaining({ code: "SERVICE_VALUE_MALFORMED" }),
    );
  });
});

describe("stored services", () => {
  it("survive a round trip through JSON and the schema", () => {
    const s = partnerReported(reopening(), { commandId: "c2", partnerState: "acknowledged", at: at(101) }).service;
    expect(ManagedService.parse(JSON.parse(JSON.stringify(s)))).toEqual(s);
  });

  it("reads a service stored as suspended before services had commands as blocked for non-payment", () => {
    const s = legacyService({ serviceId: "svc-9", kind: "power-meter", state: "suspended" }, at(0));
    expect(s).toMatchObject({ state: "suspended", blockers: [{ kind: "overdue" }], lastCommand: null });
    expect(reevaluate(s, { overdue: false, now: at(1), newCommandId: "c1" }).commands).toMatchObject([
      { target: "active", sequence: 1 },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------------------

const TERMINAL = fc.constantFrom("completed", "failed", "rejected") as fc.Arbitrary<PartnerOrderState>;

interface PartnerEvent {
  commandId: string;
  partnerState: PartnerOrderState;
  at: Date;
  partnerOrderId: string;
}

function lifeOf(commandId: string, terminal: PartnerOrderState, startSecond: number): PartnerEvent[] {
  return (["acknowledged", "inProgress", terminal] as const).map((partnerState, i) => ({
    commandId,
    partnerState,
    at: at(startSecond + i),
    partnerOrderId: `po-${commandId}`,
  }));
}

const applyAll = (s: ManagedService, events: readonly PartnerEvent[]) =>
  events.reduce((acc, e) => partnerReported(acc, e).service, s);

describe("partner events delivered twice or out of order", () => {
  it("end in the same state as the same events delivered once and in order", () => {
    const scenario = fc.record({
      superseded: fc.boolean(),
      firstTerminal: TERMINAL,
      secondTerminal: TERMINAL,
    });
    const delivery = scenario.chain((sc) => {
      const inOrder = [
        ...lifeOf("c1", sc.firstTerminal, 10),
        ...(sc.superseded ? lifeOf("c2", sc.secondTerminal, 20) : []),
      ];
      const n = inOrder.length;
      return fc
        .array(fc.nat({ max: n - 1 }), { maxLength: 12 })
        .chain((dupes) => {
          const all = [...inOrder, ...dupes.map((i) => inOrder[i]!)];
          return fc.array(fc.double({ noNaN: true }), { minLength: all.length, maxLength: all.length }).map((keys) =>
            all
              .map((e, i) => ({ e, k: keys[i]! }))
              .sort((a, b) => a.k - b.k)
              .map((x) => x.e),
          );
        })
        .map((shuffled) => ({ sc, inOrder, shuffled }));
    });

    fc.assert(
      fc.property(delivery, ({ sc, inOrder, shuffled }) => {
        let start = suspend(broadband(), { commandId: "c1", now: at(0) }).service;
        if (sc.superseded) start = reevaluate(start, { overdue: false, now: at(1), newCommandId: "c2" }).service;
        expect(applyAll(start, shuffled)).toEqual(applyAll(start, inOrder));
      }),
      { numRuns: 300 },
    );
  });
});

type Op =
  | { op: "suspend" }
  | { op: "block" }
  | { op: "unblock"; kind: "overdue" | "manual" }
  | { op: "reevaluate"; overdue: boolean }
  | { op: "report"; pick: number; partnerState: PartnerOrderState }
  | { op: "attempt" }
  | { op: "tick"; seconds: number };

const anyOp: fc.Arbitrary<Op> = fc.oneof(
  fc.constant({ op: "suspend" as const }),
  fc.constant({ op: "block" as const }),
  fc.record({ op: fc.constant("unblock" as const), kind: fc.constantFrom("overdue" as const, "manual" as const) }),
  fc.record({ op: fc.constant("reevaluate" as const), overdue: fc.boolean() }),
  fc.record({
    op: fc.constant("report" as const),
    pick: fc.nat(),
    partnerState: fc.constantFrom(...PartnerOrderState.options),
  }),
  fc.record({
    op: fc.constant("report" as const),
    pick: fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER)), // any command, or the current one
    partnerState: TERMINAL,
  }),
  fc.constant({ op: "attempt" as const }),
  fc.record({ op: fc.constant("tick" as const), seconds: fc.integer({ min: 1, max: 120 }) }),
);

interface Step {
  before: ManagedService;
  op: Op;
  /** The command a partner report was for. */
  reported?: string;
  transition: ServiceTransition;
}

/** Runs the operations from an active service; refused transitions (domain errors) leave the service as it was. */
function run(ops: readonly Op[]): Step[] {
  let service = broadband();
  let clock = 0;
  let next = 1;
  const issued: string[] = [];
  const steps: Step[] = [];
  for (const op of ops) {
    const now = at(clock);
    const id = `c${next}`;
    let transition: ServiceTransition;
    let reported: string | undefined;
    try {
      switch (op.op) {
        case "suspend":
          transition = suspend(service, { commandId: id, now });
          break;
        case "block":
          transition = block(service, CS, { commandId: id, now });
          break;
        case "unblock":
          transition = unblock(service, op.kind, { now, newCommandId: id });
          break;
        case "reevaluate":
          transition = reevaluate(service, { overdue: op.overdue, now, newCommandId: id });
          break;
        case "report": {
          const current = service.lastCommand?.commandId;
          const commandId =
            op.pick === Number.MAX_SAFE_INTEGER || issued.length === 0
              ? (current ?? "none")
              : issued[op.pick % issued.length]!;
          reported = commandId;
          transition = partnerReported(service, { commandId, partnerState: op.partnerState, at: now });
          break;
        }
        case "attempt":
          transition = commandAttempted(service, { commandId: service.lastCommand?.commandId ?? "none", at: now });
          break;
        case "tick":
          clock += op.seconds;
          transition = overdue(service, at(clock), LIMIT);
          break;
      }
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      transition = { service, commands: [], events: [] };
    }
    for (const c of transition.commands) {
      issued.push(c.commandId);
      next += 1;
    }
    steps.push({ before: service, op, transition, ...(reported !== undefined ? { reported } : {}) });
    service = transition.service;
  }
  return steps;
}

describe("any sequence of operations and partner reports", () => {
  const ops = fc.array(anyOp, { minLength: 1, maxLength: 40 });

  it("never shows a once-suspended service active without a reopen the partner confirmed", () => {
    fc.assert(
      fc.property(ops, (sequence) => {
        let everSuspended = false;
        for (const { before, op, reported, transition } of run(sequence)) {
          const s = transition.service;
          if (s.state !== "active") everSuspended = true;
          if (s.state === "active" && everSuspended) {
            expect(s.lastCommand).toMatchObject({ target: "active", partnerState: "completed" });
            expect(s.lastCommand?.confirmedAt).toBeDefined();
          }
          if (before.state !== "active" && s.state === "active") {
            expect(op).toMatchObject({ op: "report", partnerState: "completed" });
            expect(before.lastCommand).toMatchObject({ commandId: reported, target: "active" });
            expect(transition.events).toMatchObject([{ type: "service-reopened" }]);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it("never reopens while a manual block remains", () => {
    fc.assert(
      fc.property(ops, (sequence) => {
        for (const { transition } of run(sequence)) {
          const s = transition.service;
          const reopenSent = transition.commands.some((c) => c.target === "active");
          if (s.blockers.some((b) => b.kind === "manual")) {
            expect(reopenSent).toBe(false);
            expect(["active", "reopening", "escalated"]).not.toContain(s.state);
          }
          if (reopenSent) expect(s.blockers).toEqual([]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("numbers commands one after another and never reuses a command id", () => {
    fc.assert(
      fc.property(ops, (sequence) => {
        const steps = run(sequence);
        const commands = steps.flatMap((step) => step.transition.commands);
        expect(commands.map((c) => c.sequence)).toEqual(commands.map((_, i) => i + 1));
        expect(new Set(commands.map((c) => c.commandId)).size).toBe(commands.length);
        for (const step of steps) expect(ManagedService.safeParse(step.transition.service).success).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
