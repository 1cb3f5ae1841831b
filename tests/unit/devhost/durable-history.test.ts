import { describe, expect, it } from "vitest";
import { historyEvent, orchestrationTriggerInput } from "../../../devhost/durable/history";
import { EventType, type HistoryEvent } from "../../../devhost/durable/types";

describe("the history an orchestrator episode is handed", () => {
  const stored: HistoryEvent[] = [
    historyEvent(EventType.OrchestratorStarted, "2026-11-02T09:00:00.000Z"),
    historyEvent(EventType.ExecutionStarted, "2026-11-02T09:00:00.000Z", { Name: "ladder", Input: '{"caseId":"c"}' }),
    historyEvent(EventType.TaskScheduled, "2026-11-02T09:00:00.000Z", { Name: "plan" }, 0),
    historyEvent(EventType.TaskFailed, "2026-11-02T09:00:01.000Z", {
      TaskScheduledId: 0,
      Reason: "failed",
      FailureDetails: { ErrorType: "Error", ErrorMessage: "no", Properties: { code: "X", nested: { a: 1 } } },
    }),
  ];
  const added = [
    historyEvent(EventType.OrchestratorStarted, "2026-11-02T09:01:00.000Z"),
    historyEvent(EventType.TimerFired, "2026-11-02T09:01:00.000Z", { TimerId: 1 }),
  ];

  it("marks the stored events played and the new ones not, in order", () => {
    const history = orchestrationTriggerInput("i", stored, added, undefined, undefined).history as HistoryEvent[];
    expect(history.map((e) => [e.EventType, e.IsPlayed])).toEqual([
      [EventType.OrchestratorStarted, true],
      [EventType.ExecutionStarted, true],
      [EventType.TaskScheduled, true],
      [EventType.TaskFailed, true],
      [EventType.OrchestratorStarted, false],
      [EventType.TimerFired, false],
    ]);
    expect(history.slice(0, 4)).toEqual(stored.map((e) => ({ ...e, IsPlayed: true })));
  });

  it("shares no object with the stored history, so what the SDK rewrites (timestamps as dates) stays out of it", () => {
    const before = structuredClone([...stored, ...added]);
    const history = orchestrationTriggerInput("i", stored, added, undefined, undefined).history as HistoryEvent[];
    for (const e of history) {
      (e as Record<string, unknown>).Timestamp = new Date(e.Timestamp);
      e.IsPlayed = !e.IsPlayed;
    }
    const details = history[3]!.FailureDetails!;
    details.ErrorMessage = "changed";
    (details.Properties!.nested as { a: number }).a = 2;
    expect([...stored, ...added]).toEqual(before);
  });
});
