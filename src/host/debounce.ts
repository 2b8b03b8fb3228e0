/**
 * The one debounce of the host: work runs once things have been quiet for `ms`, and a new call
 * starts the wait again (index change events, redraws after edits and scrolling, the outline's
 * re-registration, the codebook's "Undo" status item). No vscode import, so plain Node can test it.
 */
export class Debounce {
  private timer?: ReturnType<typeof setTimeout>;

  constructor(private readonly ms: number) {}

  run(work: () => void): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      work();
    }, this.ms);
  }

  /** Drops the waiting work, if any. */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.cancel();
  }
}

/** A Debounce per key (a document's URI): work for one key never delays another's. */
export class KeyedDebounce {
  private readonly waits = new Map<string, Debounce>();

  constructor(private readonly ms: number) {}

  run(key: string, work: () => void): void {
    let wait = this.waits.get(key);
    if (!wait) this.waits.set(key, (wait = new Debounce(this.ms)));
    wait.run(() => {
      this.waits.delete(key);
      work();
    });
  }

  dispose(): void {
    for (const w of this.waits.values()) w.dispose();
    this.waits.clear();
  }
}
