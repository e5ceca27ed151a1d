import type { RunResult } from '@topolab/runtime';
import { writeDocument, type DocumentTarget } from './document-target.js';
import type { Reporter } from './reporter.js';

/** The version of the JSON document's shape; bumped when a field changes meaning or goes away. */
export const jsonReportSchema = 'topolab.run/1';

/** The JSON document: every scenario run, step, request, hop and figure, secrets already redacted. */
export function formatJsonReport(result: RunResult): string {
  return `${JSON.stringify({ schema: jsonReportSchema, ...result }, null, 2)}\n`;
}

/** Writes the whole result as JSON when the run ends. */
export function createJsonReporter(target: DocumentTarget): Reporter {
  return {
    onEvent: () => undefined,
    async finish(result) {
      writeDocument(target, formatJsonReport(result));
    },
  };
}
