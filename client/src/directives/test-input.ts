// Puts a data-test attribute on the real <input>/<textarea> inside a Vant Field (Vant passes
// attributes to the field's wrapper), so browser tests can fill the control directly.
import type { Directive } from 'vue';

function apply(el: HTMLElement, value: string) {
  const target = el.matches('input, textarea') ? el : el.querySelector('input, textarea');
  (target ?? el).setAttribute('data-test', value);
}

export const vTestInput: Directive<HTMLElement, string> = {
  mounted: (el, binding) => apply(el, binding.value),
  updated: (el, binding) => apply(el, binding.value),
};
