// Node warnings fail the run: a deprecation or a leak warning is a bug here, not noise.
// Setup files run again before every test file, and the unit lane's worker runs many files
// (isolate: false): the listener is added once per process.
const failOnWarning = Symbol.for('topolab.test.failOnWarning');
const processState = process as NodeJS.Process & { [failOnWarning]?: true };
if (!processState[failOnWarning]) {
  processState[failOnWarning] = true;
  process.on('warning', (warning) => {
    throw warning;
  });
}
