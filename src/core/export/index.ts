export {
  exportOnnx,
  onnxInputs,
  ONNX_ML_OPSET,
  ONNX_OPSET,
  OUTPUT_NAMES,
  type OnnxExportOptions,
} from './onnx/export';
export { MISSING_STRING, type ModelInput } from './onnx/features';
export { floatAtMost } from './onnx/learners/trees';
export { onnxFeeds } from './onnx/feeds';
