import { TrainingError } from '../../errors/training-error';

/** A model part that ONNX cannot express: `part` names it, `reason` says why. */
export const unsupported = (part: string, reason: string) =>
  new TrainingError('unsupported', `Cannot export “${part}” to ONNX: ${reason}.`, part);
