/** The sample project a new user can open from the welcome view. */
import type { FeatureContext } from '../feature';
import { openSample } from './openSample';

export function register(context: FeatureContext): void {
  context.command('qda.openSample', () => openSample(context.extension.extensionUri));
}
