/**
 * The composition root and the app's entry point ("main" in package.json). Importing it registers every function with
 * the Functions host (or with any host that stands in for it); each area receives its deps through
 * `register<Area>(deps)`, and `deps()` is first called on the first invocation — so loading the app reads no setting
 * and builds no client. The adapters are built once, from the settings, by `buildAppDeps` (./composition.ts, which
 * only this file imports).
 *
 * `configureApp` lets whoever hosts the app choose what the settings cannot express: the clock (a host with time of
 * its own), or every port at once (tests with literal ports). It must be called before the first invocation.
 */
import { settings as readSettings } from "../shared/config/settings";
import type { Clock } from "../shared/ports/clock";
import { registerApi } from "./api";
import { registerAssistant } from "./assistant";
import { registerCases } from "./cases";
import { registerDebtorActions } from "./debtor-actions";
import { registerMinSideMessages } from "./min-side-messages";
import { buildAppDeps, type RootDeps } from "./composition";
import { registerHealth } from "./health";
import { registerInterest } from "./interest";
import { registerKpis } from "./kpis";
import { registerLetters } from "./letters";
import { registerMinSide } from "./min-side";
import { registerPrintFunctions } from "./print";
import { registerOps } from "./ops";
import { registerPayments } from "./payments";
import { registerPortal } from "./portal";
import { registerServices } from "./services";
import { registerWebhooks } from "./webhooks";

export type { RootDeps } from "./composition";

export interface AppConfiguration {
  /** The clock every use case reads (default: the system clock). */
  clock?: Clock;
  /** Every port, ready-built: the settings are then not read at all. */
  deps?: RootDeps;
}

let configuration: AppConfiguration = {};
let built: RootDeps | undefined;

/** Chooses the clock or the whole set of ports; takes effect for the next invocation that builds the deps. */
export function configureApp(next: AppConfiguration): void {
  configuration = next;
  built = undefined;
}

/** The deps every area gets, built on first use. */
export function rootDeps(): RootDeps {
  built ??=
    configuration.deps ?? buildAppDeps(readSettings(), configuration.clock ? { clock: configuration.clock } : {});
  return built;
}

registerHealth();
registerApi(rootDeps);
registerCases(rootDeps);
registerPayments(rootDeps);
registerServices(rootDeps);
registerWebhooks(rootDeps);
registerInterest(rootDeps);
registerPortal(rootDeps);
registerKpis(rootDeps);
registerLetters(rootDeps);
registerPrintFunctions(rootDeps);
registerOps(rootDeps);
registerAssistant(rootDeps);
registerMinSide(rootDeps);
registerDebtorActions(rootDeps);
registerMinSideMessages(rootDeps);
