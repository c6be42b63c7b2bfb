/** `/certify control <framework> <control>`: what a control asks and the status of the rules it cites. */
import type { ControlView } from '../../cards/views.js';
import { controlView } from '../../cards/scan-views.js';
import { CertifyError } from '../../base/errors.js';
import { findFramework, lookupControl } from '../../scanner/frameworks/index.js';
import type { CommandContext } from './context.js';
import { latestScan } from './score.js';

export async function controlCommand(
  framework: string | null,
  query: string | null,
  ctx: CommandContext,
): Promise<ControlView> {
  if (framework === null) {
    throw new CertifyError(
      'BAD_USAGE',
      'which framework and control?',
      [],
      'e.g. /certify control pci 3.7 or /certify control iso A.8.24',
    );
  }
  const fw = findFramework(framework);
  if (query === null) {
    throw new CertifyError(
      'BAD_USAGE',
      `which ${fw.shortName} control?`,
      [],
      `${fw.shortName} controls: ${fw.controls.map((c) => c.id).join(', ')}`,
    );
  }
  const found = lookupControl(fw, query);
  return controlView(fw, query, found, await latestScan(ctx));
}
