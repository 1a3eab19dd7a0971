/**
 * The engine's public API: what `dist/engine.js` exports to Node and what the webview bundles.
 * Documented in the README ("Engine API").
 */
export * from './tensor';
export * from './errors';
export * from './convInfo';
