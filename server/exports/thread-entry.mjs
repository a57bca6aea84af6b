// The export thread's first module. The server runs its TypeScript through tsx, and a worker
// thread does not inherit the main thread's module hooks: register tsx, then load the worker.
import { register } from 'tsx/esm/api';

register();
await import('./thread-worker.ts');
