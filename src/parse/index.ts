/**
 * The parser's public API: tensor literals (`parseTensor`, `parseNested`) and document scanning
 * (`scanDocument`, `scanCells`, `itemAt`). No `vscode`: the CLI, the extension and tests share it.
 */
export * from './errors';
export { createScanner, TokenKind, type Scanner } from './scanner';
export { parseNested, DEFAULT_MAX_ELEMENTS, DEFAULT_MAX_DEPTH, type NestedLiteral, type ParseLimits, type ElementKind, type Result } from './literal';
export { scanDocument, scanCells, itemAt, type Item, type ItemKind, type Binding, type ScanOptions, type ScanResult } from './document';
export { type Value, type TensorValue, elementBytes, engineDtype } from './values';
export type { LayerSpec, LayerReport, LayerOp } from './layers';
