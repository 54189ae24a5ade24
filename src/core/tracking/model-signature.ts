import type { EnsembleJSON, ModelJSON } from '../model';
import type { ModelSignature, SignatureInput } from './signature';
import type { LogicalType } from '../table';

const SIGNATURE_TYPES: Record<LogicalType, string> = {
  numeric: 'number',
  integer: 'integer',
  boolean: 'boolean',
  datetime: 'datetime',
  categorical: 'category',
  text: 'text',
  image: 'image',
};

function inputsOf(model: ModelJSON): SignatureInput[] {
  return model.pipeline.schema.columns.map((column) => ({
    name: column.name,
    type: SIGNATURE_TYPES[column.type] ?? column.type,
    ...(column.type === 'categorical' && column.categories?.length
      ? { allowed: [...column.categories] }
      : {}),
  }));
}

/**
 * What a trained model takes and gives, read from the model itself: the input columns its
 * featurization was fitted on (with the categories seen in training) and its output classes.
 * An ensemble takes every column any member reads; a category allows what any member saw.
 */
export function modelSignature(model: ModelJSON | EnsembleJSON): ModelSignature {
  const members = model.format === 'bunsen-ensemble' ? model.members : [model];
  const merged = new Map<string, SignatureInput>();
  for (const member of members) {
    for (const input of inputsOf(member)) {
      const seen = merged.get(input.name);
      if (!seen) merged.set(input.name, input);
      else if (seen.allowed && input.allowed) {
        seen.allowed = [...new Set([...seen.allowed, ...input.allowed])].sort();
      }
    }
  }
  const target = model.format === 'bunsen-ensemble' ? model.target : model.spec.target;
  return {
    inputs: [...merged.values()],
    output:
      model.task === 'classification'
        ? { kind: 'classification', name: target, classes: [...(model.classes ?? [])] }
        : { kind: 'regression', name: target },
  };
}
