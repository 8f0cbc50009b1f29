import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBytes, parseMilliCpu, parseQuantity, QuantityError } from '../../../api/quantity.ts';

describe('parseQuantity', () => {
  const cases: { name: string; input: string | number; scale?: number; want: bigint }[] = [
    { name: 'whole cores as millicores', input: '4', scale: 3, want: 4000n },
    { name: 'millicores', input: '500m', scale: 3, want: 500n },
    { name: 'fractional cores', input: '0.25', scale: 3, want: 250n },
    { name: 'leading dot', input: '.5', scale: 3, want: 500n },
    { name: 'number input', input: 2, scale: 3, want: 2000n },
    { name: 'binary suffix', input: '1Gi', want: 1073741824n },
    { name: 'fractional binary suffix', input: '1.5Gi', want: 1610612736n },
    { name: 'decimal suffix', input: '2M', want: 2_000_000n },
    { name: 'exponent', input: '1e3', want: 1000n },
    { name: 'rounds up sub-unit remainders', input: '1.0001m', scale: 3, want: 2n },
    { name: 'nano', input: '1500000n', scale: 3, want: 2n },
    { name: 'exabytes stay exact', input: '8Ei', want: 9223372036854775808n },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(parseQuantity(c.input, c.scale), c.want));
  }

  for (const bad of ['', 'abc', '1Xi', '1.2.3', '--1', 'Gi', '1 Gi']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => parseQuantity(bad), QuantityError));
  }

  it('keeps the sign of negative quantities for callers that check it', () => {
    assert.equal(parseMilliCpu('-1'), -1000n);
  });
  it('names cpu and memory helpers by unit', () => {
    assert.equal(parseMilliCpu('1.5'), 1500n);
    assert.equal(parseBytes('128Mi'), 134217728n);
  });
});
