import * as vscode from 'vscode';
import { log } from './features/log';
import * as playground from './features/playground';
import * as computeConv from './features/computeConv';
import * as resultPanel from './features/resultPanel';
import * as hover from './features/hover';

/** Each feature file exports `register(context): Disposable`; activation wires them, nothing else. */
const features: ReadonlyArray<{ name: string; register: (context: vscode.ExtensionContext) => vscode.Disposable }> = [
  { name: 'Playground', register: playground.register },
  { name: 'Compute Conv', register: computeConv.register },
  { name: 'Result panel', register: resultPanel.register },
  { name: 'Hover', register: hover.register },
];

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  context.subscriptions.push(log());
  for (const feature of features) {
    try {
      context.subscriptions.push(feature.register(context));
    } catch (err) {
      // One broken feature must not take the others down; say which one, once.
      log().error(`Could not start ${feature.name}:`, err instanceof Error ? err.message : String(err));
      void vscode.window.showErrorMessage(vscode.l10n.t('Conv Lens: {0} could not start. See the "Conv Lens" output for details.', feature.name));
    }
  }
  log().info(`Activated in ${(performance.now() - started).toFixed(1)} ms (${features.length} features).`);
}

export function deactivate(): void {
  // Disposables registered on the context are released by VS Code.
}
