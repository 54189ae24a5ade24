export { compileExpression, evaluateColumn, evaluateCondition } from './evaluate';
export { FUNCTION_REFERENCE } from './functions';
export { parseExpression, type Expression } from './parse';
export { columnReference, stringLiteral, tokenize } from './tokens';
