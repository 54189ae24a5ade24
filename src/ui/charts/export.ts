/**
 * Saves a chart drawn as inline SVG as a standalone .svg or .png file. Charts are styled with
 * the lab's CSS variables, which mean nothing outside the page, so the computed style of every
 * element is written onto its copy before it is serialised.
 */

const STYLE_PROPERTIES = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-linecap',
  'stroke-linejoin',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'text-anchor',
  'dominant-baseline',
  'visibility',
] as const;

const SVG_NS = 'http://www.w3.org/2000/svg';

function inlineStyles(source: Element, copy: Element) {
  const computed = getComputedStyle(source);
  const declarations = STYLE_PROPERTIES.map(
    (name) => `${name}:${computed.getPropertyValue(name)}`,
  ).filter((text) => !text.endsWith(':'));
  if (computed.display === 'none') declarations.push('display:none');
  copy.setAttribute('style', declarations.join(';'));
  const sourceChildren = source.children;
  const copyChildren = copy.children;
  for (let i = 0; i < sourceChildren.length; i++) {
    inlineStyles(sourceChildren[i] as Element, copyChildren[i] as Element);
  }
}

/** The size the chart is drawn at: its viewBox, else its rendered box. */
function chartSize(svg: SVGSVGElement): { width: number; height: number } {
  const box = svg.viewBox.baseVal;
  if (box && box.width && box.height) return { width: box.width, height: box.height };
  const rect = svg.getBoundingClientRect();
  return {
    width: Math.max(1, Math.round(rect.width)),
    height: Math.max(1, Math.round(rect.height)),
  };
}

/** A standalone SVG document of the chart, on the page's background colour. */
export function serializeChart(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  inlineStyles(svg, copy);
  const { width, height } = chartSize(svg);
  copy.setAttribute('xmlns', SVG_NS);
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  copy.removeAttribute('class');
  const background = document.createElementNS(SVG_NS, 'rect');
  const box = svg.viewBox.baseVal;
  background.setAttribute('x', String(box?.width ? box.x : 0));
  background.setAttribute('y', String(box?.height ? box.y : 0));
  background.setAttribute('width', String(width));
  background.setAttribute('height', String(height));
  background.setAttribute(
    'fill',
    getComputedStyle(document.documentElement).getPropertyValue('--surface').trim() || '#ffffff',
  );
  copy.insertBefore(background, copy.firstChild);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}`;
}

/** A file name without characters that file systems refuse. */
export const chartFileName = (name: string) =>
  name
    .replace(/[^\w.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 120) || 'chart';

function save(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadSvg(svg: SVGSVGElement, name: string) {
  save(new Blob([serializeChart(svg)], { type: 'image/svg+xml' }), `${chartFileName(name)}.svg`);
}

/** Renders the chart at `scale` times its size (2: sharp on high-density screens and in print). */
export async function renderPng(svg: SVGSVGElement, scale = 2): Promise<Blob> {
  const { width, height } = chartSize(svg);
  const url = URL.createObjectURL(new Blob([serializeChart(svg)], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.decoding = 'async';
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('This browser cannot draw on a canvas, so no PNG can be made.');
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (blob) => (blob ? resolve(blob) : reject(new Error('The PNG could not be encoded.'))),
        'image/png',
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

export async function downloadPng(svg: SVGSVGElement, name: string, scale = 2) {
  save(await renderPng(svg, scale), `${chartFileName(name)}.png`);
}
