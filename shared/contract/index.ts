// The one API contract: method name → zod input schema → result type, and who may call it. Each domain declares its
// slice beside this file; this index combines them (a name declared twice is an error at start). Both transports
// (Electron IPC, HTTP) and the preload are generic over it; inputs are parsed at the edge (shared/validate.ts).
import type { z } from 'zod';
import { combine, type MethodDef } from './define.ts';
import { appContract, catalogContract, searchContract, settingsContract } from './app.ts';
import { gridContract } from './grid.ts';
import { componentsContract } from './components.ts';
import { editingContract } from './editing.ts';
import { gisContract } from './gis.ts';
import { authContract } from './auth.ts';
import { casesContract } from './cases.ts';
import { alertsContract } from './alerts.ts';
import { open311Contract } from './open311.ts';
import { replicationContract } from './replication.ts';

export type { Access, MethodDef } from './define.ts';
export type { EventMap, PushEvent } from './events.ts';

/** Every method the UI (or any client) can call. */
export const contract = combine(
  'contract',
  appContract,
  catalogContract,
  searchContract,
  settingsContract,
  gridContract,
  componentsContract,
  editingContract,
  gisContract,
  authContract,
  casesContract,
  alertsContract,
  open311Contract,
  replicationContract,
);

/** The contract's type. */
export type Contract = typeof contract;
/** All method names. */
export type MethodName = keyof Contract;
/** What a caller passes to a method. */
export type InputOf<M extends MethodName> = z.input<Contract[M]['input']>;
/** What a handler receives after validation. */
export type ParsedInputOf<M extends MethodName> = z.output<Contract[M]['input']>;
/** What a method returns. */
export type ResultOf<M extends MethodName> = Contract[M] extends MethodDef<z.ZodType, infer R> ? R : never;

/** True when `name` is a method of the contract. */
export function isMethod(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

/** Maximum JSON request body a transport accepts (bytes). */
export const MAX_BODY_BYTES = 12_000_000;
