import { TrainingError } from '../core/errors/training-error';
import { CliError } from './errors';
import { processOutput, type Output } from './io';
import { automl, AUTOML_USAGE } from './commands/automl';
import { profile, PROFILE_USAGE } from './commands/profile';
import { predict, PREDICT_USAGE } from './commands/predict';
import { train, TRAIN_USAGE } from './commands/train';
import { exportModel, EXPORT_USAGE } from './commands/export';
import { forecast, FORECAST_USAGE } from './commands/forecast';

const USAGE = `Bunsen — the lab's machine learning from the command line.

  ${PROFILE_USAGE}
  ${TRAIN_USAGE}
  ${AUTOML_USAGE}
  ${PREDICT_USAGE}
  ${EXPORT_USAGE}
  ${FORECAST_USAGE}
`;

export async function main(
  argv: string[],
  io: Output = processOutput,
  now: () => number = () => performance.now(),
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'profile':
        return await profile(rest, io);
      case 'train':
        return await train(rest, io, now);
      case 'automl':
        return await automl(rest, io, now);
      case 'predict':
        return await predict(rest, io);
      case 'export':
        return await exportModel(rest, io);
      case 'forecast':
        return await forecast(rest, io, now);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new CliError(`Unknown command “${command}”.\n\n${USAGE}`);
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
