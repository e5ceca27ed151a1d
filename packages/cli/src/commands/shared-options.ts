import { Option } from 'commander';

/** `--data-dir DIR`, shared by every command that finds a running topology. */
export function dataDirOption(): Option {
  return new Option('--data-dir <dir>', 'data directory of the topology (databases, logs, control file)').default('.topolab');
}

/** `--timings compressed|realistic`. */
export function timingsOption(): Option {
  return new Option('--timings <preset>', 'compressed: 250 ms heartbeats for labs; realistic: Eureka defaults (30 s heartbeat, 90 s lease)')
    .choices(['compressed', 'realistic'])
    .default('compressed');
}
