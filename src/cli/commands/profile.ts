import { parseArgs } from 'node:util';
import { basename } from 'node:path';
import {
  formatProfileReport,
  parseMissingList,
  profileCommand,
  type EncodingOption,
} from '../../core/data';
import { CliError } from '../errors';
import { readBytes, type Output } from '../io';

export const PROFILE_USAGE =
  'bunsen profile FILE [--delimiter C] [--encoding auto|utf-8|latin1] [--missing LIST] [--target COL] [--json]';

export async function profile(argv: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      delimiter: { type: 'string' },
      encoding: { type: 'string' },
      missing: { type: 'string' },
      target: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length) throw new CliError(`Usage: ${PROFILE_USAGE}`);
  const encoding = (values.encoding ?? 'auto') as EncodingOption;
  if (!['auto', 'utf-8', 'latin1'].includes(encoding)) {
    throw new CliError(`--encoding must be auto, utf-8 or latin1, got “${values.encoding}”.`);
  }
  const bytes = await readBytes(file);
  if (!bytes.length) throw new CliError(`${file} is empty.`, 1);
  const result = await profileCommand(bytes, {
    fileName: basename(file),
    encoding,
    ...(values.delimiter !== undefined ? { delimiter: values.delimiter } : {}),
    ...(values.target !== undefined ? { target: values.target } : {}),
    // Comma-separated; "" leaves only empty cells missing.
    ...(values.missing !== undefined ? { missing: parseMissingList(values.missing) } : {}),
  });
  if (!result.ok) {
    const { message, line, column } = result.error;
    const where = [line !== undefined ? `line ${line}` : '', column ? `column “${column}”` : '']
      .filter(Boolean)
      .join(', ');
    throw new CliError(`${file}${where ? ` (${where})` : ''}: ${message}`, 1);
  }
  if (values.json) io.out(`${JSON.stringify(result.report)}\n`);
  else io.out(`${formatProfileReport(result.report)}\n`);
  return 0;
}
