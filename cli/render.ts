/**
 * Colour for the CLI: on a terminal only. What the commands show is rendered from views by
 * cards/terminal.ts; these colours are its paint.
 */
import { createColors } from 'picocolors';

export type Colors = ReturnType<typeof createColors>;
export const colors = (enabled: boolean): Colors => createColors(enabled);
