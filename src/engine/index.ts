/**
 * The engine's public API: what `dist/engine.js` exports to Node and what the webview bundles.
 * Documented in the README ("Engine API").
 */
export * from './tensor';
export * from './errors';
export * from './convInfo';
export { conv2d, conv2dResolved, flipKernel } from './conv2d';
export { convTranspose2d, convTranspose2dResolved } from './convTranspose2d';
export { maxPool2d, avgPool2d, lpPool2d, globalMaxPool2d, globalAvgPool2d, poolResolved } from './pool';
export type { MaxPool2dOptions, AvgPool2dOptions, LpPool2dOptions, MaxPoolResult } from './pool';
export { corr2d, corr2dMultiIn, corr2dMultiInOut, corr2dMultiInOut1x1, pool2d } from './seeds';
export { padInput, sourceIndex } from './padding';
export { explainElement, explainPoolElement, partialMaps, windowPositions } from './explain';
export type { OutputPosition, Term, ChannelContribution, ElementExplanation, PoolTap, PoolElementExplanation, WindowPosition } from './explain';
export { receptiveField, receptiveFieldThrough, regionToInput } from './receptiveField';
export type { Region } from './receptiveField';
export { convCost, costLines, timeAt, formatCount, formatDuration } from './cost';
export type { ConvCost, CostLine, CostSummaryOptions } from './cost';
export { outputSizeFormula } from './sizeFormula';
export type { SizeFormula } from './sizeFormula';
export { formatTensor, formatFixed, formatScientific } from './format';
export type { FormatOptions } from './format';
export { asNCHWTensor, fromNCHW, layoutOf } from './layout';
export type { Layout } from './layout';
