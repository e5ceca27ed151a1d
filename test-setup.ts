// Node warnings fail the run: a deprecation or a leak warning is a bug here, not noise.
process.on('warning', (warning) => {
  throw warning;
});
