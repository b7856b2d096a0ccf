import fs from "node:fs";
import type { Reporter, TestCase } from "vitest/node";

/**
 * Says which tests passed only on a retry (CI runs with `retry: 1`): a flaky test is a finding, not
 * a pass to forget. Printed at the end of the run and appended to FLAKY_REPORT (when set) so that CI
 * shows them in its summary; a test that fails twice still fails the run.
 */
export default class FlakyReporter implements Reporter {
  private flaky: string[] = [];

  onTestCaseResult(test: TestCase) {
    const d = test.diagnostic();
    if (d?.flaky) this.flaky.push(`${test.module.moduleId.replace(process.cwd() + "/", "")} > ${test.fullName} (passed after ${d.retryCount} retr${d.retryCount === 1 ? "y" : "ies"})`);
  }

  onTestRunEnd() {
    if (this.flaky.length === 0) return;
    const text = this.flaky.map((f) => `FLAKY ${f}`).join("\n") + "\n";
    process.stdout.write(`\n${this.flaky.length} test(s) passed only on a retry:\n${text}`);
    if (process.env.FLAKY_REPORT) fs.appendFileSync(process.env.FLAKY_REPORT, text);
  }
}
