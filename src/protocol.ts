/**
 * Messages between the extension and its webviews, one module per panel, each message with a
 * runtime guard: webview messages carry text taken from the workspace, so nothing is used unchecked.
 */
export * from './protocol/guards';
export * from './protocol/playground';
export * from './protocol/resultPanel';
