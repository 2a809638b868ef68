import { describe, expect, it } from 'vitest';
import { figureHtml, metricsHtml, resetFigureLibrary, tableHtml } from './notebook-html.ts';

describe('notebook HTML', () => {
  it('inlines plotly.js in the first figure of a session only; typed arrays become arrays', () => {
    resetFigureLibrary();
    const a = figureHtml({ data: [{ type: 'scatter', x: new Float64Array([1, 2]), y: [3, Number.NaN] }] });
    const b = figureHtml({ data: [{ type: 'bar', x: ['a'], y: [1] }], title: 't' });
    expect(a.length).toBeGreaterThan(1_000_000);
    expect(a).toContain('plotly.js v');
    expect(b.length).toBeLessThan(2000);
    expect(a).toContain('"x":[1,2]');
    expect(a).toContain('"y":[3,null]');
    expect(b).toMatch(/id="lockstep-fig-\d+-\d+"/);
    expect(a.match(/id="(lockstep-fig-[^"]+)"/)![1]).not.toBe(b.match(/id="(lockstep-fig-[^"]+)"/)![1]);
  });

  it('metrics use the report labels and formats; tables escape their cells', () => {
    const m = metricsHtml({ totalReturn: 0.1234, sharpe: 1.5, custom: 2 });
    expect(m).toContain('<td>Total return</td><td style="text-align:right">12.34%</td>');
    expect(m).toContain('<td>custom</td>');
    const t = tableHtml([{ a: '<b>', b: 1.23456789 }, { a: 'x', b: 2 }]);
    expect(t).toContain('&lt;b&gt;');
    expect(t).toContain('<td>1.23457</td>');
    expect(tableHtml([{ a: 1 }, { a: 2 }, { a: 3 }], undefined, 2)).toContain('1 more rows');
  });
});
