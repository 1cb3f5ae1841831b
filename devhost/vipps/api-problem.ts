/**
 * The Vipps simulator's API errors: `ApiProblem` is thrown anywhere below a route and answered once, as the problem
 * document Vipps sends (its `type`, a `traceId`, and `extraDetails` naming the field at fault).
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";

const PROBLEM_TYPE = "https://developer.vippsmobilepay.com/docs/APIs/epayment-api/api-guide/errors";

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly extraDetails?: Array<{ name: string; reason: string }>,
  ) {
    super(title);
  }
}

export function sendVippsProblem(res: ServerResponse, problem: ApiProblem): void {
  res.writeHead(problem.status, { "content-type": "application/problem+json; charset=utf-8" });
  res.end(
    JSON.stringify({
      type: PROBLEM_TYPE,
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      traceId: randomUUID(),
      ...(problem.extraDetails ? { extraDetails: problem.extraDetails } : {}),
    }),
  );
}
