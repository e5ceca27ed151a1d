import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { domainEventTypes, isTopolabError } from '@topolab/runtime/cli-facts';
import type { ControlClient, DomainEventType } from '@topolab/runtime';
import type { ControlEvents, EventStatus } from '@topolab/runtime/events';
import type { CommandContext } from '../program.js';
import { parseNonNegativeInteger, parsePositiveInteger } from '../options.js';
import { createColors } from '../output/colors.js';
import { formatEventLine, isSettled } from '../output/event-lines.js';
import { dataDirOption } from './shared-options.js';
import { waitForStopSignal } from './stop-signal.js';
import { controlClient } from './runtime.js';

/** Options of `topolab events`. */
interface EventsOptions {
  readonly dataDir: string;
  readonly type?: DomainEventType;
  readonly after?: number;
  readonly limit: number;
  readonly json?: boolean;
  readonly follow?: boolean;
}

const followEveryMs = 500;
// How far back --follow keeps watching an event some consumer has not applied yet.
const followWindow = 500;

function parseLimit(value: string): number {
  const limit = parsePositiveInteger(value);
  if (limit > 1000) throw new InvalidArgumentError('Expected at most 1000.');
  return limit;
}

/** The events the options ask for: after `--after`, or else the newest `--limit` of them. */
async function readFirst(client: ControlClient, options: EventsOptions): Promise<ControlEvents> {
  const query = { limit: options.limit, ...(options.type ? { type: options.type } : {}) };
  const first = await client.events({ ...query, after: options.after ?? 0 });
  if (options.after !== undefined || first.latestSeq <= options.limit) return first;
  return client.events({ ...query, after: first.latestSeq - options.limit });
}

/** `topolab events`: auth's domain events and how far each consumer service has applied them. */
export function registerEventsCommand(program: Command, ctx: CommandContext): void {
  program
    .command('events')
    .description("show auth's domain events (account deletions, name changes) and which services have applied each, with the lag")
    .addOption(dataDirOption())
    .addOption(new Option('--type <type>', 'only events of this type').choices(Object.values(domainEventTypes)))
    .addOption(new Option('--after <seq>', 'events after this seq (default: the newest --limit)').argParser(parseNonNegativeInteger))
    .addOption(new Option('--limit <n>', 'most events to show (1-1000)').argParser(parseLimit).default(20))
    .option('--json', 'print the events as JSON (one object per line with --follow)')
    .option('--follow', `keep watching: print new events and changes every ${followEveryMs} ms until Ctrl-C`)
    .addHelpText(
      'after',
      '\nExamples:\n  $ topolab events\n  $ topolab events --type user.deleted --limit 5\n  $ topolab events --follow                 watch a deletion reach profile, mail, sms and chat\n  $ topolab events --after 40 --json | jq \'.events[] | .consumers\'',
    )
    .action(async (options: EventsOptions) => {
      const client = await controlClient(options.dataDir);
      const c = createColors(ctx.io.stdout);
      const write = (line: string) => ctx.io.stdout.write(`${line}\n`);
      const first = await readFirst(client, options);
      if (!options.follow) {
        if (options.json) write(JSON.stringify(first, null, 2));
        else if (first.events.length === 0) write(`no event${options.type ? ` of type ${options.type}` : ''} yet (latest seq ${first.latestSeq})`);
        else for (const event of first.events) write(formatEventLine(event, c));
        return;
      }
      await follow(client, options, first, (event) => write(options.json ? JSON.stringify(event) : formatEventLine(event, c)), (line) => ctx.io.stderr.write(`${line}\n`));
    });
}

// Prints each event when first seen and again whenever its line changes; a failing poll is reported once and retried.
async function follow(client: ControlClient, options: EventsOptions, first: ControlEvents, print: (event: EventStatus) => void, warn: (line: string) => void): Promise<void> {
  const stop = waitForStopSignal();
  const shown = new Map<number, string>();
  const unsettled = new Set<number>();
  let lastSeq = options.after ?? 0;
  let lastProblem: string | undefined;
  const show = (answer: ControlEvents) => {
    for (const event of answer.events) {
      const line = JSON.stringify(event);
      if (shown.get(event.seq) !== line) print(event);
      shown.set(event.seq, line);
      if (isSettled(event)) unsettled.delete(event.seq);
      else unsettled.add(event.seq);
      lastSeq = Math.max(lastSeq, event.seq);
    }
  };
  try {
    show(first);
    let stopped = false;
    void stop.promise.then(() => (stopped = true));
    while (!stopped) {
      await Promise.race([sleep(followEveryMs), stop.promise]);
      if (stopped) break;
      const from = unsettled.size > 0 ? Math.min(...unsettled) - 1 : lastSeq;
      const after = Math.max(from, lastSeq - followWindow, 0);
      try {
        show(await client.events({ after, limit: 1000, ...(options.type ? { type: options.type } : {}) }));
        lastProblem = undefined;
      } catch (error) {
        if (!isTopolabError(error) || error.code === 'CONTROL_NOT_RUNNING') throw error;
        if (lastProblem !== error.code) warn(`${error.code}  ${error.message} (still watching)`);
        lastProblem = error.code;
      }
    }
  } finally {
    stop.dispose();
  }
}
