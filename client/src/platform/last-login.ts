// Which login tab (staff / resident) last logged in on this phone, so that a resident who logs
// out is not sent to the staff tab. Not personal data: only the tab name.
export type LoginTab = 'staff' | 'resident';
const KEY = 'cunxin:lastLoginTab';

export function lastLoginTab(): LoginTab {
  try {
    return globalThis.localStorage?.getItem(KEY) === 'resident' ? 'resident' : 'staff';
  } catch {
    return 'staff';
  }
}

export function rememberLoginTab(tab: LoginTab): void {
  try {
    globalThis.localStorage?.setItem(KEY, tab);
  } catch {
    // Storage refused (private mode): the staff tab is the default.
  }
}
