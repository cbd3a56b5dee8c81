/**
 * Prints one closing line, `e2e: N passed, N failed, N skipped`, after the list
 * reporter's output, so CI logs end with a count that is easy to find and parse.
 */
import type { FullResult, Reporter, Suite, TestError } from '@playwright/test/reporter';

class SummaryLineReporter implements Reporter {
  private root: Suite | undefined;
  private fatalErrors = 0;

  onBegin(_config: unknown, suite: Suite): void {
    this.root = suite;
  }

  onError(_error: TestError): void {
    this.fatalErrors += 1;
  }

  onEnd(result: FullResult): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const test of this.root?.allTests() ?? []) {
      switch (test.outcome()) {
        case 'expected':
        case 'flaky':
          passed += 1;
          break;
        case 'unexpected':
          failed += 1;
          break;
        case 'skipped':
          skipped += 1;
          break;
      }
    }
    // A run that failed outside any test (server did not start, global error, timeout)
    // must not read as green.
    if (result.status !== 'passed' && failed === 0) {
      failed = Math.max(1, this.fatalErrors);
    }
    console.log(`e2e: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  }

  printsToStdio(): boolean {
    return true;
  }
}

export default SummaryLineReporter;
