// Public notice detail, objections and their resolution (docs/api.md "Public notice, objections").
import { api } from './client';
import { call } from './http';

export type ObjectionResolution = 'upheld' | 'dismissed' | 'amended';

export const fetchNoticePreview = (villageId: string, days: number) =>
  call(() => api.villages[':villageId'].notices.preview.$get({ param: { villageId }, query: { days: String(days) } }));

export const fetchNoticeDetail = (noticeId: string) =>
  call(() => api.notices[':noticeId'].$get({ param: { noticeId } }));

export const fetchNoticeSettings = (villageId: string) =>
  call(() => api.villages[':villageId']['notice-settings'].$get({ param: { villageId } }));

export const saveNoticeSettings = (villageId: string, namesOnDeductions: boolean) =>
  call(() => api.villages[':villageId']['notice-settings'].$put({ param: { villageId }, json: { namesOnDeductions } }));

export const fetchVillageObjections = (villageId: string, status?: 'pending' | ObjectionResolution) =>
  call(() => api.villages[':villageId'].objections.$get({ param: { villageId }, query: status ? { status } : {} }));

export const resolveObjection = (objectionId: string, resolution: ObjectionResolution, reason: string, points?: number) =>
  call(() => api.objections[':objectionId'].resolution.$post({ param: { objectionId }, json: { resolution, reason, ...(points === undefined ? {} : { points }) } }));

export const fetchMyObjections = () => call(() => api.objections.mine.$get());

export const fileResidentObjection = (noticeId: string, entryId: string, grounds: string) =>
  call(() => api.notices[':noticeId'].objections.$post({ param: { noticeId }, json: { entryId, grounds } }));

export const fetchPublicNotice = (token: string) =>
  call(() => api.public.notices[':token'].$get({ param: { token } }));

export const filePublicObjection = (token: string, body: { entryId: string; grounds: string; name?: string; phone?: string }) =>
  call(() => api.public.notices[':token'].objections.$post({ param: { token }, json: body }));

export const fetchObjectionReceipt = (receipt: string) =>
  call(() => api.public.objections[':receipt'].$get({ param: { receipt } }));

export type NoticeDetailResponse = Awaited<ReturnType<typeof fetchNoticeDetail>>;
export type PublicNoticeResponse = Awaited<ReturnType<typeof fetchPublicNotice>>;
export type ObjectionItem = Awaited<ReturnType<typeof fetchVillageObjections>>['objections'][number];
export type ReceiptResponse = Awaited<ReturnType<typeof fetchObjectionReceipt>>;
