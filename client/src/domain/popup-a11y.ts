// Vant's Popup overlay is a role="button" without a name when it closes on a tap (axe:
// aria-command-name). Its overlay props pass attributes through; the type does not list them.
import type { OverlayProps } from 'vant';

export const overlayLabel = (label: string): Partial<OverlayProps> => ({ 'aria-label': label }) as unknown as Partial<OverlayProps>;
