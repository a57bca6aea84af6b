// The photo picker keeps a photo the phone has no room for: the collector hears it before the
// photo is lost, the form is kept, and "重试保存" stores it once there is room.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';

const room = vi.hoisted(() => ({ value: false as boolean | null }));
vi.mock('../platform/photo', async (importOriginal) => ({
  ...(await importOriginal<Record<string, unknown>>()),
  compressPhoto: async (f: File) => new Blob([new Uint8Array(await f.arrayBuffer())], { type: 'image/jpeg' }),
  currentPosition: async () => ({ lat: 36.78, lon: 119.95, accuracy: 15 }),
  hasRoomFor: async () => room.value,
}));

import EvidencePhotoPicker from './EvidencePhotoPicker.vue';
import { evidenceDb } from '../db/evidence';
import { eventually, testPlugins } from '../test/mount';
import type { EvidenceRef } from '../../../shared/domain/evidence';

function open() {
  const { plugins } = testPlugins();
  return mount(EvidencePhotoPicker, { props: { modelValue: [] as EvidenceRef[], required: true }, global: { plugins: plugins as never[] } });
}
async function choose(w: ReturnType<typeof open>, bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])) {
  const input = w.get('[data-test="evidence-input"]');
  Object.defineProperty(input.element, 'files', { value: [new File([bytes], 'IMG_0001.jpg', { type: 'image/jpeg' })], configurable: true });
  await input.trigger('change');
}

beforeEach(async () => {
  await evidenceDb.photos.clear();
  URL.createObjectURL = vi.fn(() => 'blob:preview');
  URL.revokeObjectURL = vi.fn();
});
afterEach(() => vi.restoreAllMocks());

describe('EvidencePhotoPicker', () => {
  it('says the phone is full before storing, keeps the photo in hand, and stores it on retry', async () => {
    room.value = false;
    // fake-indexeddb cannot clone happy-dom's Blob: the write itself is watched instead.
    const put = vi.spyOn(evidenceDb.photos, 'put').mockResolvedValue('stored');
    const w = open();
    expect(w.text()).toContain('该指标须拍照留证');
    await choose(w);
    await eventually(() => expect(w.find('[data-test="evidence-problem"]').text()).toContain('存储空间不足，照片还未保存'));
    expect(w.find('[data-test="evidence-unsaved"]').exists()).toBe(true);
    expect(w.emitted('update:modelValue')).toBeUndefined();
    expect(put).not.toHaveBeenCalled();

    room.value = true;
    await w.get('[data-test="evidence-retry"]').trigger('click');
    await eventually(() => expect(w.emitted('update:modelValue')).toHaveLength(1));
    const [refs] = w.emitted('update:modelValue')![0] as [EvidenceRef[]];
    expect(refs).toEqual([{ hash: expect.stringMatching(/^[0-9a-f]{64}$/), size: 7, type: 'image/jpeg', takenAt: expect.any(String), gps: { lat: 36.78, lon: 119.95, accuracy: 15 } }]);
    expect(put).toHaveBeenCalledWith(expect.objectContaining({ hash: refs[0].hash, size: 7, uploaded: 0, blob: expect.any(Blob) }));
    expect(w.find('[data-test="evidence-problem"]').exists()).toBe(false);
  });

  it('catches QuotaExceededError from IndexedDB the same way', async () => {
    room.value = null; // the browser cannot tell
    vi.spyOn(evidenceDb.photos, 'put').mockRejectedValue(new DOMException('full', 'QuotaExceededError'));
    const w = open();
    await choose(w);
    await eventually(() => expect(w.find('[data-test="evidence-retry"]').exists()).toBe(true));
    expect(w.find('[data-test="evidence-problem"]').text()).toContain('表单内容不会丢失');
    expect(w.emitted('update:modelValue')).toBeUndefined();
  });

  it('refuses a file that is not a photo', async () => {
    room.value = true;
    const w = open();
    const input = w.get('[data-test="evidence-input"]');
    Object.defineProperty(input.element, 'files', { value: [new File(['x'], 'a.txt', { type: 'text/plain' })], configurable: true });
    await input.trigger('change');
    await eventually(() => expect(w.find('[data-test="evidence-problem"]').text()).toContain('这不是照片'));
  });
});
