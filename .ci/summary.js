// Prints the closing line CI reads, from vitest's JSON report: "N passed, N failed, N skipped".
const fs = require("node:fs");
const file = "test-artifacts/vitest-report.json";
if (!fs.existsSync(file)) {
  console.log("0 passed, 1 failed (no test report was written)");
  process.exit(0);
}
const r = JSON.parse(fs.readFileSync(file, "utf8"));
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ""}`);
