import type { components } from './openapi-types.ts';

// The resources by name, so callers need not spell `components['schemas'][…]`.
type Schemas = components['schemas'];
export type Job = Schemas['Job'];
export type JobInput = Schemas['JobInput'];
export type JobPatch = Schemas['JobPatch'];
export type Run = Schemas['Run'];
export type Failure = Schemas['Failure'];
export type Flow = Schemas['Flow'];
export type FlowRun = Schemas['FlowRun'];
export type HandlerInfo = Schemas['Handler'];
