/** What the KPI projection's function is wired with (types only; the composition root builds it). */
import type { ProjectCaseEvent } from "../../shared/application/kpis/project-case-event";
import type { KpiStore } from "../../shared/ports/kpi-store";

export interface KpisDeps {
  /** The pre-aggregated buckets and the per-case projection documents (Cosmos container `kpi-buckets`). */
  kpis: KpiStore;
  projectCaseEvent: ProjectCaseEvent;
}
