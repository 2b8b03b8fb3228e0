/** Codes used recently in this workspace, most recent first, offered first when coding. */
import type * as vscode from 'vscode';

const KEY = 'qda.recentCodes';
const LIMIT = 12;

export class RecentCodes {
  constructor(private readonly state: vscode.Memento) {}

  get(): string[] {
    return this.state.get<string[]>(KEY, []);
  }

  async use(codes: string[]): Promise<void> {
    const next = [...codes, ...this.get().filter((c) => !codes.includes(c))].slice(0, LIMIT);
    await this.state.update(KEY, next);
  }
}
