/** A problem found in a file, in words a researcher can act on, with where it is. */
export interface Problem {
  /** Workspace-relative path, with forward slashes. */
  file: string;
  /** 1-based line and column, when known. */
  line?: number;
  column?: number;
  message: string;
  severity: 'error' | 'warning';
}

export function formatProblem(p: Problem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}${p.column !== undefined ? `:${p.column}` : ''}` : p.file;
  return `${where}: ${p.severity}: ${p.message}`;
}
