import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { intIn, quantityArg } from '../../../cli/options.ts';

describe('CLI argument parsers', () => {
  it('accept integers in range and refuse the rest', () => {
    const nodes = intIn(0, 50_000);
    assert.equal(nodes('1000'), 1000);
    for (const bad of ['-1', '50001', '1.5', 'ten', '']) assert.throws(() => nodes(bad), InvalidArgumentError);
  });
  it('accept positive quantities only', () => {
    assert.equal(quantityArg('128Gi'), '128Gi');
    for (const bad of ['0', '-2', 'lots']) assert.throws(() => quantityArg(bad), InvalidArgumentError);
  });
});
