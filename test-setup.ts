// Node warnings fail the run (STYLE.md): a deprecation or a leak warning is a bug here.
process.on('warning', (warning) => {
  throw warning;
});
