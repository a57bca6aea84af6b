// The logged-in user. The user is cached in Dexie so that a reload while offline still opens the
// app; the server decides whether the session is still valid when it can be asked.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import * as authApi from '../api/auth';
import { ApiError, onUnauthorized } from '../api/http';
import type { Me } from '../api/types';
import { clearLocalData, getCachedUser, setCachedUser } from '../db/meta';
import { countByStatus, pendingCountOf } from '../db/outbox';
import type { Role } from '../../../shared/domain/roles';

/** Another user's unsent work is on this phone: it must not be sent under this login or lost. */
export class OtherUserPendingError extends Error {
  readonly otherName: string;
  readonly count: number;
  constructor(otherName: string, count: number) {
    super(`${count} unsent items of ${otherName}`);
    this.name = 'OtherUserPendingError';
    this.otherName = otherName;
    this.count = count;
  }
}

export const HOME_BY_ROLE: Record<Role, string> = {
  collector: '/villages',
  committee: '/review',
  admin: '/villages',
  township: '/ranking',
  resident: '/me',
};

/** Roles that keep village data on the phone and push through POST /api/sync. */
export const SYNCING_ROLES: readonly Role[] = ['collector', 'committee', 'admin'];

export const useAuthStore = defineStore('auth', () => {
  const user = ref<Me | null>(null);
  /** The server answered 401: keep the local data, ask for a new login. */
  const sessionExpired = ref(false);

  const role = computed<Role | null>(() => user.value?.role ?? null);
  const homePath = computed(() => (user.value ? HOME_BY_ROLE[user.value.role] : '/login'));
  const syncs = computed(() => !!user.value && SYNCING_ROLES.includes(user.value.role));

  onUnauthorized(() => {
    if (user.value) sessionExpired.value = true;
  });

  /** On app start: the cached user, without the network. */
  async function restore(): Promise<void> {
    user.value = (await getCachedUser()) ?? null;
  }

  /** Asks the server whether the session still holds (when online); refreshes the cached user. */
  async function verify(): Promise<void> {
    if (!user.value) return;
    try {
      const { user: me } = await authApi.fetchMe();
      if (me.id === user.value.id) {
        await setCachedUser(me);
        user.value = me;
        sessionExpired.value = false;
      } else {
        sessionExpired.value = true;
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) sessionExpired.value = true;
      // Offline or a server error: keep working with the cached user.
    }
  }

  /** Makes `me` the phone's user; another user's data goes first, unless it holds unsent work. */
  async function adopt(me: Me): Promise<void> {
    const previous = await getCachedUser();
    if (previous && previous.id !== me.id) {
      const unsent = await pendingCountOf(previous.id);
      if (unsent > 0) throw new OtherUserPendingError(previous.displayName, unsent);
      await clearLocalData();
    }
    await setCachedUser(me);
    user.value = me;
    sessionExpired.value = false;
  }

  async function completeLogin(login: () => Promise<{ user: Me }>): Promise<Me> {
    const { user: me } = await login();
    try {
      await adopt(me);
    } catch (e) {
      await authApi.logout().catch(() => undefined);
      throw e;
    }
    return me;
  }

  const loginStaff = (username: string, password: string) =>
    completeLogin(() => authApi.login(username.trim(), password));
  const loginResident = (phone: string, pin: string) =>
    completeLogin(() => authApi.residentLogin(phone.trim(), pin.trim()));

  /** What logging out would lose: unsent (blocks logout) and refused items. */
  const unsentWork = () => countByStatus();

  /** Ends the session and removes every personal record from the phone. Check unsentWork() first. */
  async function logout(): Promise<void> {
    await authApi.logout().catch(() => undefined);
    await clearLocalData();
    user.value = null;
    sessionExpired.value = false;
  }

  return {
    user, sessionExpired, role, homePath, syncs,
    restore, verify, loginStaff, loginResident, unsentWork, logout,
  };
});
