import type { CpuProfileSummary } from '@topolab/runtime/bench';

/** The top self-time functions of each profiled instance, as plain lines. */
export function renderCpuProfiles(profiles: readonly CpuProfileSummary[], dir: string): string {
  if (profiles.length === 0) return `CPU profiles: none written to ${dir} (an instance killed, not stopped, writes none)\n`;
  const lines = [`CPU profiles (node --cpu-prof) in ${dir}: the functions with the most self time, as a share of the busy time`];
  for (const profile of profiles) {
    lines.push('', `${profile.instance}  ${profile.file}  busy ${Math.round(profile.busyMs)} ms, idle ${Math.round(profile.idleMs)} ms`, '   self ms   share  function');
    for (const fn of profile.top) {
      lines.push(`  ${fn.selfMs.toFixed(1).padStart(8)}  ${`${(fn.share * 100).toFixed(1)}%`.padStart(6)}  ${fn.name}${fn.location ? `  ${fn.location}` : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
