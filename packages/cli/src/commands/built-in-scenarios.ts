/** The directory of the compiled built-in suite (`scenarios/dist`), loaded lazily so other commands never need the suite. */
export async function builtInScenarioDir(): Promise<string> {
  const suite = await import('@topolab/scenarios');
  return suite.builtInScenarioDir;
}
