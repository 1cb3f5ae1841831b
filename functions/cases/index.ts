/** The case lifecycle's durable functions: one orchestration per case, its two activities, and the daily healer. */
import "./case.orchestrator";
import "./plan-next-step.activity";
import "./execute-step.activity";
import "./timer-heal-orchestrations";
