// Fuzzing pass (fast-check) over the contract's schemas: inputs the schema accepts, drawn from the schema itself, go
// to every read method with fields (search text with FTS and SQL syntax, boxes anywhere on earth, dates of any
// shape, codes that exist nowhere). A read may answer or refuse, but never fail inside: no INTERNAL, no thrown
// error, the database unchanged. A second pass checks the schemas never accept what they must not and never throw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { z } from 'zod';
import { contract, type MethodName } from '../../shared/contract/index.ts';
import { parseInput } from '../../shared/validate.ts';
import { ApiError } from '../../shared/errors.ts';
import { expectClearError, expectHealthy, guardGroup, openCentre, Tally, unchanged, type Centre } from './harness.ts';
import { objectVariants, validInputs } from './arbitrary.ts';

let c: Centre;
const tally = new Tally();
beforeAll(async () => {
  c = await openCentre();
});
afterAll(async () => {
  tally.print('fuzz');
  await c?.close();
});

/** Reads that take input (writes are covered by the payload corpus: only refusals may reach them there). Exports are
 * left out: any valid export is a whole layer written out, seconds each, and exports take no free text. */
const READS = (Object.keys(contract) as MethodName[]).filter((m) => {
  const d = contract[m];
  if (d.write || d.ownTransaction || m === 'import.upload' || m === 'export.file') return false;
  return objectVariants(d.input as z.ZodType).some((shape) => Object.keys(shape).length > 0);
});
const RUNS = 25;

describe('schema-valid inputs to every read method never fail inside', () => {
  guardGroup(() => c);
  it.each(READS)('%s', async (method) => {
    const schema = contract[method].input as z.ZodType;
    await unchanged(c.core, async () => {
      await fc.assert(
        fc.asyncProperty(validInputs(schema), async (input) => {
          const r = await c.core.invoke(method, input, { actor: 'adm', via: 'ipc', token: c.token });
          if (!r.ok) expectClearError(r.error, `${method} ${JSON.stringify(input).slice(0, 300)}`);
        }),
        { numRuns: RUNS, seed: 11, endOnFailure: true },
      );
    });
    tally.add('fuzzed read calls', RUNS);
  });

  it('the server still answers', async () => {
    await expectHealthy(c.server.url);
  });
});

describe('the schemas themselves', () => {
  guardGroup(() => c);
  it('never throw on any JSON value, and refuse with a BAD_INPUT that names a field', () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    let n = 0;
    for (const method of Object.keys(contract) as MethodName[]) {
      fc.assert(
        fc.property(json, (v) => {
          try {
            parseInput(method, v);
          } catch (e) {
            expect(e).toBeInstanceOf(ApiError);
            expect((e as ApiError).code).toBe('BAD_INPUT');
            expect((e as ApiError).details?.field).toEqual(expect.any(String));
            expect((e as ApiError).message.length).toBeLessThanOrEqual(1000);
          }
        }),
        { numRuns: 30, seed: 11, endOnFailure: true },
      );
      n += 30;
    }
    tally.add('fuzzed schema parses', n);
  });
});
