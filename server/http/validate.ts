// zod validation with the project's error shape: 400 { error: { code: 'invalid_body', message } }.
import { zValidator } from '@hono/zod-validator';
import type { z } from 'zod';
import { badRequest } from './errors';

function describe(issues: readonly z.core.$ZodIssue[]): string {
  return issues.slice(0, 3).map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

export const jsonBody = <T extends z.ZodType>(schema: T) =>
  zValidator('json', schema, (result) => {
    if (!result.success) throw badRequest('invalid_body', `请求内容不正确：${describe(result.error.issues)}`);
  });

export const queryParams = <T extends z.ZodType>(schema: T) =>
  zValidator('query', schema, (result) => {
    if (!result.success) throw badRequest('invalid_query', `查询参数不正确：${describe(result.error.issues)}`);
  });
