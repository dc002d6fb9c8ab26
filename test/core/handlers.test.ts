// The core combines the domains' handler tables: a method registered twice, a contract method without a handler
// and a handler without a method each stop the core at start.
import { describe, expect, it } from 'vitest';
import { combineHandlers } from '../../electron/core/handlers.ts';
import { contract } from '../../shared/contract/index.ts';

const all = () => Object.fromEntries(Object.keys(contract).map((m) => [m, () => null]));

describe('handler tables', () => {
  it('takes one handler per contract method', () => {
    expect(Object.keys(combineHandlers(all())).sort()).toEqual(Object.keys(contract).sort());
  });
  it('refuses a method registered twice', () => {
    expect(() => combineHandlers(all(), { 'cases.get': () => null })).toThrow('handlers: cases.get is declared twice');
  });
  it('refuses a contract without a handler for every method', () => {
    const some = all();
    delete some['cases.get'];
    expect(() => combineHandlers(some)).toThrow('handlers: no handler for cases.get');
  });
  it('refuses a handler for a method the contract does not have', () => {
    expect(() => combineHandlers(all(), { 'cases.frobnicate': () => null })).toThrow('handlers: cases.frobnicate not in the contract');
  });
});
