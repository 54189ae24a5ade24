import { describe, expect, it } from 'vitest';
import { renderModelCard, type ModelCardData } from '../../../../src/core/tracking/model-card';

const hostile = '<script>alert("x")</script> & \'quotes\' | **bold** [link](javascript:1)';

const card: ModelCardData = {
  modelName: `iris ${hostile}`,
  modelDescription: 'Classifies iris flowers.',
  version: 3,
  createdAt: Date.UTC(2026, 0, 15),
  createdBy: 'Ada <ada@example.org>',
  description: 'Gradient boosting, 100 trees.',
  stage: 'active',
  aliases: ['production'],
  tags: ['tabular'],
  source: { kind: 'run', runName: 'gbdt <b>', runId: 'run-1', experiment: 'Iris' },
  params: { learner: 'gbdt', trees: 100 },
  seed: 7,
  backend: 'typed arrays',
  data: [{ name: 'iris|raw', version: 2, rows: 150, contentHash: 'ab'.repeat(32) }],
  metrics: { accuracy: 0.953333, log_loss: null },
  perClassMetrics: [{ class: '<setosa>', precision: 1, recall: 1, f1: 1, support: 50 }],
  signature: {
    inputs: [
      { name: 'petal_length', type: 'number', min: 1, max: 6.9 },
      { name: 'colour', type: 'category', allowed: ['red', '<blue>'] },
    ],
    output: { kind: 'classification', classes: ['setosa', 'versicolor', 'virginica'] },
  },
  intendedUse: `Teaching.\n\nNot for ${hostile}`,
  limitations: '',
};

describe('renderModelCard', () => {
  it('writes HTML with every piece of text escaped and no way to run code', () => {
    const html = renderModelCard(card, 'html');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('<setosa>');
    expect(html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;',
    );
    expect(html).toContain('<td>&lt;setosa&gt;</td>');
    expect(html).toContain('<p>Teaching.</p>');
    expect(html).toContain('<td>accuracy</td><td>0.9533</td>');
    expect(html).toContain('<td>log_loss</td><td>—</td>');
    expect(html).toContain('<td>colour</td><td>category</td><td>red, &lt;blue&gt;</td>');
    expect(html).toContain('<td>petal_length</td><td>number</td><td>1 to 6.9</td>');
    expect(html).toContain('Limitations</h2>\n<p>Not written yet.</p>');
    expect(html).toContain('registered 2026-01-15 by Ada &lt;ada@example.org&gt;');
    expect(html.match(/<script/gi)).toBeNull();
  });

  it('writes Markdown where names cannot become markup and tables stay tables', () => {
    const markdown = renderModelCard(card, 'markdown');
    expect(markdown.startsWith('# Model card: iris &lt;script&gt;')).toBe(true);
    expect(markdown).not.toMatch(/<script|<b>|<setosa>/);
    expect(markdown).toContain('\\*\\*bold\\*\\* \\[link\\](javascript:1)');
    expect(markdown).toContain('| iris\\|raw | 2 | 150 | ' + 'ab'.repeat(32) + ' |');
    expect(markdown).toContain('| &lt;setosa&gt; | 1 | 1 | 1 | 50 |');
    expect(markdown).toContain('## Intended use\n\nTeaching.\n\nNot for &lt;script&gt;');
    expect(markdown).toContain('Classification into 3 classes: setosa, versicolor, virginica.');
    expect(markdown).toContain('Aliases: production.');
    expect(markdown.endsWith('\n')).toBe(true);
  });

  it('says what was not recorded', () => {
    const bare = renderModelCard(
      { ...card, signature: null, data: [], metrics: {}, perClassMetrics: [], params: {} },
      'markdown',
    );
    expect(bare).toContain('The input signature was not recorded.');
    expect(bare).toContain('No dataset versions were recorded.');
    expect(bare).toContain('No metrics were recorded.');
    expect(bare).not.toContain('Per-class metrics');
  });
});
