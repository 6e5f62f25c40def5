// Prints the plain closing line ("N passed, N failed, N skipped") that CI reads.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests: p, numFailedTests: f, numPendingTests: s, numFailedTestSuites: fs } = results;
    process.stdout.write(`\ntests: ${p} passed, ${f + (f === 0 && fs > 0 ? fs : 0)} failed, ${s} skipped\n`);
  }
}
module.exports = SummaryReporter;
