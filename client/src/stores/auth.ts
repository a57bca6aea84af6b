// The logged-in user. The user is cached in Dexie so that a reload while offline still opens the
// app; the server decides whether the session is still valid when it can be asked.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import * as authApi from '../api/auth';
import { ApiError, onUnauthorized } from '../api/http';
import type { Me } from '../api/types';
import { clearForUserSwitch, clearLocalData, getCachedUser, setCachedUser } from '../db/meta';
import { clearPhotos } from '../db/evidence';
import { forgetRemembered } from '../composables/useLiveQuery';
import { unsentWork as readUnsentWork } from '../db/outbox';
import { clearDataCaches } from '../platform/cache-storage';
import { clearBrowserStorage, deleteOtherDatabases } from '../platform/leave-phone';
import { qrLogin } from '../api/residents';
import { db } from '../db/db';
import { evidenceDb } from '../db/evidence';
import type { Role } from '../../../shared/domain/roles';

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

  /**
   * Makes `me` the phone's user. When someone else was signed in before, their village data goes,
   * but unsent work of any user stays on the phone: the runner only ever sends the items of the
   * signed-in user, so another user's items wait (shown, exportable) until their owner signs in.
   */
  async function adopt(me: Me): Promise<void> {
    const previous = await getCachedUser();
    if (previous && previous.id !== me.id) { await clearForUserSwitch(); forgetRemembered(); }
    await setCachedUser(me);
    user.value = me;
    sessionExpired.value = false;
  }

  async function completeLogin(login: () => Promise<{ user: Me }>): Promise<Me> {
    const { user: me } = await login();
    await adopt(me);
    return me;
  }

  const loginStaff = (username: string, password: string) =>
    completeLogin(() => authApi.login(username.trim(), password));
  const loginResident = (phone: string, pin: string) =>
    completeLogin(() => authApi.residentLogin(phone.trim(), pin.trim()));
  /** A household's QR slip (issue 9): the token from the slip's link fragment. */
  const loginResidentQr = (token: string) => completeLogin(() => qrLogin(token));

  /**
   * What logging out would lose, over every user's items on the phone: pending items never
   * exported block it; exported ones and refused ones need a confirmation.
   */
  const unsentWork = () => readUnsentWork();

  /**
   * Ends the session and removes every personal record from the phone: the IndexedDB tables and
   * the Cache Storage caches that may hold data (not the app shell). Check unsentWork() first.
   */
  async function logout(): Promise<void> {
    await authApi.logout().catch(() => undefined);
    await clearLocalData();
    forgetRemembered();
    await clearPhotos();
    await clearDataCaches().catch(() => undefined);
    // Leaving a shared phone (issue 9): the browser's other storage goes too.
    clearBrowserStorage();
    await deleteOtherDatabases([db.name, evidenceDb.name]).catch(() => undefined);
    user.value = null;
    sessionExpired.value = false;
  }

  return {
    user, sessionExpired, role, homePath, syncs,
    restore, verify, loginStaff, loginResident, loginResidentQr, unsentWork, logout,
  };
});
