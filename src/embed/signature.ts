import { Fields } from './json';
import { NUMBER_INPUTS, type InputType, type Signature } from './types';

export const INPUT_TYPES: readonly InputType[] = [...NUMBER_INPUTS, 'categorical', 'text'];

/**
 * Reads the signature of an embed file. The runtime derives a lab model's signature from the
 * model itself; an ONNX model cannot say what its inputs mean, so its file must.
 */
export function readSignature(json: unknown): Signature {
  const f = Fields.of(json, 'signature');
  const task = f.oneOf('task', ['classification', 'regression'] as const);
  const classes = task === 'classification' ? f.strings('classes') : null;
  if (classes && classes.length < 2) f.fail('classes', 'at least two class labels');
  const inputs = f.objects('inputs').map((input) => {
    const type = input.oneOf('type', INPUT_TYPES);
    const categories = input.raw('categories') === undefined ? null : input.strings('categories');
    return { name: input.string('name'), type, ...(categories && { categories }) };
  });
  return { target: f.string('target'), task, classes, inputs };
}
