import { TrainingError } from '../core/errors/training-error';
import { CliError } from './errors';
import { processOutput, type Output } from './io';

type Command = (argv: string[], io: Output, now: () => number) => Promise<number>;

/**
 * Each command is imported when it runs, so that starting one loads only what it needs: most
 * of the lab's core (learners, tfjs, ONNX) is never loaded by `profile`, say.
 */
const COMMANDS: Readonly<Record<string, () => Promise<{ run: Command; usage: string }>>> = {
  profile: async () => {
    const { profile, PROFILE_USAGE } = await import('./commands/profile');
    return { run: (argv, io) => profile(argv, io), usage: PROFILE_USAGE };
  },
  train: async () => {
    const { train, TRAIN_USAGE } = await import('./commands/train');
    return { run: train, usage: TRAIN_USAGE };
  },
  automl: async () => {
    const { automl, AUTOML_USAGE } = await import('./commands/automl');
    return { run: automl, usage: AUTOML_USAGE };
  },
  predict: async () => {
    const { predict, PREDICT_USAGE } = await import('./commands/predict');
    return { run: (argv, io) => predict(argv, io), usage: PREDICT_USAGE };
  },
  export: async () => {
    const { exportModel, EXPORT_USAGE } = await import('./commands/export');
    return { run: (argv, io) => exportModel(argv, io), usage: EXPORT_USAGE };
  },
  forecast: async () => {
    const { forecast, FORECAST_USAGE } = await import('./commands/forecast');
    return { run: forecast, usage: FORECAST_USAGE };
  },
};

const SELF_HELP = new Set(['automl', 'forecast']);

async function usage(): Promise<string> {
  const commands = await Promise.all(Object.values(COMMANDS).map((load) => load()));
  return `Bunsen — the lab's machine learning from the command line.

${commands.map(({ usage: line }) => `  ${line}`).join('\n')}
`;
}

export async function main(
  argv: string[],
  io: Output = processOutput,
  now: () => number = () => performance.now(),
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(await usage());
        return command === undefined ? 2 : 0;
      default: {
        const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
        if (!load) throw new CliError(`Unknown command “${command}”.\n\n${await usage()}`);
        const { run, usage: line } = await load();
        // automl and forecast print a longer help of their own.
        if (!SELF_HELP.has(command) && rest.some((arg) => arg === '--help' || arg === '-h')) {
          io.out(`Usage: ${line}\n`);
          return 0;
        }
        return await run(rest, io, now);
      }
    }
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`bunsen: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof TrainingError) {
      io.err(`bunsen: ${error.message}${error.where ? ` (at ${error.where})` : ''}\n`);
      return 1;
    }
    if (
      error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS')
    ) {
      io.err(`bunsen: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
