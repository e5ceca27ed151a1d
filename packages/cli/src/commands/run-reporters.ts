import { InvalidArgumentError } from 'commander';
import { runtimeError } from '@topolab/runtime/cli-facts';
import type { CliIo } from '../io.js';
import type { DocumentTarget } from '../reporters/document-target.js';
import { fileReporterNames, reporterNames, type Reporter, type ReporterName } from '../reporters/reporter.js';

/** Parses one `--reporter NAME` (repeatable) into the list so far. */
export function parseReporter(value: string, previous: ReporterName[] = []): ReporterName[] {
  if (!(reporterNames as readonly string[]).includes(value)) throw new InvalidArgumentError(`Expected one of ${reporterNames.join(', ')}.`);
  return previous.includes(value as ReporterName) ? previous : [...previous, value as ReporterName];
}

/** Collects repeated values of an option (`--output a.json --output b.xml`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A reporter to create, and where a file reporter writes. */
export interface ReporterPlan {
  readonly name: ReporterName;
  /** For json and junit: the file, or undefined for stdout. */
  readonly output?: string;
}

/**
 * Decides the reporters: pretty on a terminal, plain otherwise, unless named; each `--output`
 * goes to the json/junit reporters in the order they were named. A json/junit reporter writes
 * to stdout only when it is the only reporter; otherwise it needs an `--output` (CONFIG_INVALID, exit 2).
 */
export function planReporters(names: readonly ReporterName[] | undefined, outputs: readonly string[] | undefined, interactive: boolean): ReporterPlan[] {
  const chosen = names && names.length > 0 ? names : [interactive ? 'pretty' : 'plain'] as ReporterName[];
  const files = chosen.filter((name) => fileReporterNames.includes(name));
  const given = outputs ?? [];
  if (given.length > files.length) {
    throw runtimeError('CONFIG_INVALID', {
      message: files.length === 0 ? '--output needs a file reporter (--reporter json or --reporter junit).' : `--output was given ${given.length} times for ${files.length} file reporter${files.length === 1 ? '' : 's'}.`,
      hint: 'Give one --output per json or junit reporter, in the same order: --reporter json --reporter junit --output run.json --output junit.xml',
    });
  }
  return chosen.map((name) => {
    const index = files.indexOf(name);
    if (index === -1) return { name };
    const output = given[index];
    if (output === undefined && chosen.length > 1) {
      throw runtimeError('CONFIG_INVALID', {
        message: `--reporter ${name} needs --output FILE: stdout is taken by the ${chosen.find((other) => other !== name)} reporter.`,
        hint: `Add --output ${name === 'junit' ? 'junit.xml' : 'run.json'}, or use ${name} alone to write it to stdout.`,
      });
    }
    return output === undefined ? { name } : { name, output };
  });
}

/** Creates the planned reporters; the pretty one (ink) is loaded only when used. */
export async function createReporters(plans: readonly ReporterPlan[], io: CliIo): Promise<Reporter[]> {
  const target = (plan: ReporterPlan): DocumentTarget => (plan.output === undefined ? { stream: io.stdout } : { file: plan.output });
  return Promise.all(
    plans.map(async (plan): Promise<Reporter> => {
      switch (plan.name) {
        case 'pretty':
          return (await import('../reporters/pretty-reporter.js')).createPrettyReporter(io);
        case 'plain':
          return (await import('../reporters/plain-reporter.js')).createPlainReporter(io.stdout);
        case 'json':
          return (await import('../reporters/json-reporter.js')).createJsonReporter(target(plan));
        case 'junit':
          return (await import('../reporters/junit-reporter.js')).createJunitReporter(target(plan));
      }
    }),
  );
}
