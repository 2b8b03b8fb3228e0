import type { Codebook } from '../../model/codebook';
import { networkOrchestrationTemplate } from './networkOrchestration';

/** Built-in codebook templates, by the name users type (`qda init --template NAME`). */
export const TEMPLATES: Record<string, { label: string; codebook: Codebook }> = {
  'network-orchestration': { label: 'Network orchestration', codebook: networkOrchestrationTemplate },
};

export function emptyCodebook(): Codebook {
  return { version: 1, name: 'Codebook', stages: [], codes: [] };
}
