import * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Features are registered here, each pushed into context.subscriptions.
}

export function deactivate(): void {
  // Nothing to release: every registration is a disposable in context.subscriptions.
}
