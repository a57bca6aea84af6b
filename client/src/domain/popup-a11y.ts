// Vant's Popup overlay is a role="button" without a name when it closes on a tap (axe:
// aria-command-name). Its overlay props pass attributes through; the type does not list them.
import type { OverlayProps, ToastOptions } from 'vant';

export const overlayLabel = (label: string): Partial<OverlayProps> => ({ 'aria-label': label }) as unknown as Partial<OverlayProps>;

/**
 * Vant's toast is a Popup too, so an unnamed role="dialog" (axe: aria-dialog-name). Spread into
 * showToast's options, it becomes what it is, a status message read out politely.
 */
export const statusToast = { role: 'status', 'aria-live': 'polite' } as unknown as Partial<ToastOptions>;
