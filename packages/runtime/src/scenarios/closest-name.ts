/** Edit distance between two short strings (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The name most like `wanted` (containing it, or within a third of its length in edits), for a "did you mean" hint. */
export function closestName(wanted: string, names: readonly string[]): string | undefined {
  const containing = names.find((name) => name.includes(wanted) || wanted.includes(name));
  if (containing !== undefined && wanted.length >= 3) return containing;
  let best: { name: string; score: number } | undefined;
  for (const name of names) {
    const score = distance(wanted, name);
    if (score <= Math.max(2, Math.floor(wanted.length / 3)) && (!best || score < best.score)) best = { name, score };
  }
  return best?.name;
}
