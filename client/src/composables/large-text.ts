// The residents' large-type switch, remembered on this phone (logout clears it with the rest).
import { ref } from 'vue';

const KEY = 'cx-large-text';
const large = ref(typeof localStorage !== 'undefined' && localStorage.getItem(KEY) === '1');

export function useLargeText() {
  function toggle() {
    large.value = !large.value;
    try { localStorage.setItem(KEY, large.value ? '1' : '0'); } catch { /* private mode: not remembered */ }
  }
  return { large, toggle };
}
