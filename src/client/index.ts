// `bosun/client`: the typed client and the spec's types, for users and for bosun's own CLI.
export { createBosunClient, unwrap, type BosunClient, type BosunClientOptions } from './create-client.ts';
export { BosunApiError, problemFrom, type Problem } from './problem-error.ts';
export type { paths, components, operations } from './openapi-types.ts';
export type { Job, JobInput, JobPatch, Run, Failure, Flow, FlowRun, HandlerInfo } from './schema-types.ts';
