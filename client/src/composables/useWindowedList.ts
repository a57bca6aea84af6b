// Renders only the rows of a long list that are on screen (plus a margin), for rows of one fixed
// height in a page that scrolls as a whole (AppPage). 500+ households stay smooth on a cheap
// phone: ~15 rows exist in the DOM instead of 500.
import { computed, onBeforeUnmount, onMounted, ref, type Ref } from 'vue';

export function useWindowedList<T>(items: Ref<readonly T[]>, rowHeight: number, overscan = 6) {
  const container = ref<HTMLElement | null>(null);
  const scrollTop = ref(0);
  const viewport = ref(typeof window === 'undefined' ? 800 : window.innerHeight);

  function measure() {
    const el = container.value;
    if (!el) return;
    // How far the window has scrolled past the top of the list.
    scrollTop.value = Math.max(0, -el.getBoundingClientRect().top);
    viewport.value = window.innerHeight;
  }

  let frame = 0;
  const onScroll = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      measure();
    });
  };

  onMounted(() => {
    window.addEventListener('scroll', onScroll, { passive: true });
    window.addEventListener('resize', onScroll, { passive: true });
    measure();
  });
  onBeforeUnmount(() => {
    window.removeEventListener('scroll', onScroll);
    window.removeEventListener('resize', onScroll);
    if (frame) cancelAnimationFrame(frame);
  });

  const range = computed(() => {
    const first = Math.max(0, Math.floor(scrollTop.value / rowHeight) - overscan);
    const last = Math.min(items.value.length, Math.ceil((scrollTop.value + viewport.value) / rowHeight) + overscan);
    return { first, last };
  });
  const visible = computed(() => items.value.slice(range.value.first, range.value.last).map((item, i) => ({ item, index: range.value.first + i })));
  const totalHeight = computed(() => items.value.length * rowHeight);
  const offset = computed(() => range.value.first * rowHeight);

  return { container, visible, totalHeight, offset, measure };
}
