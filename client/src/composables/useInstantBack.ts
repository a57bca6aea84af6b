// "Back" without waiting for the browser (issue 13: save an entry → the household page shows it
// ≤ 50 ms). router.back() is history.go(-1): the router moves only when the browser's popstate
// arrives, and on a busy cheap phone that is 40–80 ms later (bench/client.bench.ts marks
// `save` → `route`). backInstantly shows the previous screen at once — App.vue's <router-view>
// displays `displayedRoute` — and lets the router catch up; the next navigation of any kind
// (the popstate included) hands the display back to the router.
import { shallowRef } from 'vue';
import type { RouteLocationNormalizedLoaded, Router } from 'vue-router';

/** The screen shown ahead of the router, or null (the router's current route is shown). */
export const displayedRoute = shallowRef<RouteLocationNormalizedLoaded | null>(null);

let installed: Router | null = null;
let fallback: ReturnType<typeof setTimeout> | null = null;

function clear(): void {
  displayedRoute.value = null;
  if (fallback) clearTimeout(fallback);
  fallback = null;
}

/**
 * Goes back to the previous screen, shown now. Without a previous screen in this tab's history
 * (the form opened by a link), replaces the current one with `otherwise`.
 */
export function backInstantly(router: Router, otherwise: string): void {
  if (installed !== router) {
    installed = router;
    router.afterEach(clear);
  }
  const back = window.history.state?.back;
  if (typeof back !== 'string') {
    void router.replace(otherwise);
    return;
  }
  const target = router.resolve(back);
  // Only a screen the router would show as it is (no redirect on the way).
  if (target.matched.length > 0 && !target.redirectedFrom) displayedRoute.value = target as RouteLocationNormalizedLoaded;
  router.back();
  // Should the popstate never come, the router is made to agree with what is shown.
  fallback = setTimeout(() => {
    fallback = null;
    if (displayedRoute.value && router.currentRoute.value.fullPath !== displayedRoute.value.fullPath) void router.replace(displayedRoute.value.fullPath);
  }, 3000);
}
