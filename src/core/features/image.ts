import { TrainingError } from '../errors/training-error';
import type { Matrix } from '../learners/types';
import { pixelsMatch, type Column, type DecodedImages, type StringColumn } from '../table';
import { transformToMatrix } from './dense';
import { JsonFields } from './json';
import type { FittedTransformer, TransformerJSON } from './types';

/**
 * Raw pixels as features: each image is fitted, whole and centred, into an S × S square (the
 * longer side fills it, the shorter one is padded with black), averaged down or up by area, and
 * read as grayscale or RGB intensities in [0, 1]. Transparent pixels count as black, like the
 * padding. A missing image is all black.
 */

export type ImageColor = 'gray' | 'rgb';

export interface ImageOptions {
  /** The side of the square, in pixels; 24 for grayscale and 16 for colour by default. */
  readonly size?: number;
  /** `auto` (the default) reads colour only when some image is coloured. */
  readonly color?: ImageColor | 'auto';
}

export const MIN_IMAGE_SIZE = 2;
export const MAX_IMAGE_SIZE = 64;
/** Both defaults give a few hundred features: 576 gray values or 768 colour values. */
export const DEFAULT_IMAGE_SIZE: Readonly<Record<ImageColor, number>> = { gray: 24, rgb: 16 };
const COLORS: readonly ImageColor[] = ['gray', 'rgb'];
/**
 * An image is coloured when its pixels' mean chroma (largest minus smallest channel) reaches
 * this, out of 1: well above the noise a grayscale JPEG saved as colour carries.
 */
const CHROMA_THRESHOLD = 4 / 255;
/** ITU-R BT.601 luma, as most image libraries convert to grayscale. */
const LUMA = [0.299, 0.587, 0.114] as const;

const channelsOf = (color: ImageColor) => (color === 'gray' ? 1 : 3);

export function imageFeatureNames(column: string, size: number, color: ImageColor): string[] {
  const names: string[] = [];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (color === 'gray') names.push(`${column}_px_${y}_${x}`);
      else for (const c of ['r', 'g', 'b']) names.push(`${column}_${c}_${y}_${x}`);
    }
  }
  return names;
}

/** The column's images with their decoded pixels, or a TrainingError that says what is missing. */
export function imageInput(
  input: Column,
  step = 'Image features',
): StringColumn & {
  readonly pixels: DecodedImages;
} {
  if (input.type !== 'image' || !('codes' in input)) {
    throw new TrainingError(
      'invalid-input',
      `${step} need images, but column “${input.name}” holds ${input.type} values.`,
      input.name,
    );
  }
  if (!input.pixels) {
    throw new TrainingError(
      'invalid-input',
      `The images of column “${input.name}” were not decoded, so their pixels cannot be read. ` +
        'Images are decoded where a browser can read them (the lab’s training, AutoML and ' +
        'scoring workers) before features are computed.',
      input.name,
    );
  }
  if (!pixelsMatch(input, input.pixels)) {
    throw new TrainingError(
      'invalid-input',
      `The decoded pixels of column “${input.name}” belong to other images than the column's ` +
        `${input.dictionary.length}; decode the column again.`,
      input.name,
    );
  }
  return input as StringColumn & { readonly pixels: DecodedImages };
}

/**
 * How one axis of length `length` maps onto `size` output pixels at `scale` output pixels per
 * source pixel, shifted by `pad` output pixels: each output pixel's source pixels and the share
 * of the output pixel each one covers (shares sum to 1 inside the image, less at its edges and 0
 * in the padding).
 */
interface AxisWeights {
  readonly start: Int32Array;
  readonly count: Int32Array;
  /** `size × span` weights, output pixel by output pixel. */
  readonly weights: Float64Array;
  readonly span: number;
}

function axisWeights(length: number, size: number, scale: number, pad: number): AxisWeights {
  const span = Math.ceil(1 / scale) + 1;
  const start = new Int32Array(size);
  const count = new Int32Array(size);
  const weights = new Float64Array(size * span);
  for (let t = 0; t < size; t++) {
    const low = Math.max(0, (t - pad) / scale);
    const high = Math.min(length, (t + 1 - pad) / scale);
    if (!(high > low)) continue;
    const first = Math.floor(low);
    const last = Math.min(length - 1, Math.ceil(high) - 1);
    start[t] = first;
    count[t] = last - first + 1;
    for (let s = first; s <= last; s++) {
      const overlap = Math.min(high, s + 1) - Math.max(low, s);
      weights[t * span + (s - first)] = Math.max(0, overlap) * scale;
    }
  }
  return { start, count, weights, span };
}

/** One channel of an entry as intensities in [0, 1], alpha applied (premultiplied over black). */
function channelPlane(
  pixels: DecodedImages,
  entry: number,
  color: ImageColor,
  channel: number,
  plane: Float64Array,
) {
  const offset = pixels.offsets[entry] as number;
  const n = (pixels.widths[entry] as number) * (pixels.heights[entry] as number);
  const data = pixels.data;
  const norm = 1 / (255 * 255);
  for (let p = 0, at = offset; p < n; p++, at += 4) {
    const alpha = (data[at + 3] as number) * norm;
    plane[p] =
      color === 'gray'
        ? (LUMA[0] * (data[at] as number) +
            LUMA[1] * (data[at + 1] as number) +
            LUMA[2] * (data[at + 2] as number)) *
          alpha
        : (data[at + channel] as number) * alpha;
  }
}

/**
 * Writes the `size × size × channels` features of one decoded image into `out` at `at`, row by
 * row and channel-last (y, x, c).
 */
export function writeImageFeatures(
  pixels: DecodedImages,
  entry: number,
  size: number,
  color: ImageColor,
  out: Float32Array,
  at: number,
) {
  const width = pixels.widths[entry] as number;
  const height = pixels.heights[entry] as number;
  const channels = channelsOf(color);
  if (width === 0 || height === 0) {
    out.fill(0, at, at + size * size * channels);
    return;
  }
  const scale = size / Math.max(width, height);
  const xs = axisWeights(width, size, scale, (size - width * scale) / 2);
  const ys = axisWeights(height, size, scale, (size - height * scale) / 2);
  const plane = new Float64Array(width * height);
  // Columns first: `rows` holds every source row resampled to `size` output columns.
  const rows = new Float64Array(height * size);
  for (let c = 0; c < channels; c++) {
    channelPlane(pixels, entry, color, c, plane);
    for (let y = 0; y < height; y++) {
      const line = y * width;
      for (let t = 0; t < size; t++) {
        const first = xs.start[t] as number;
        const count = xs.count[t] as number;
        const w = t * xs.span;
        let sum = 0;
        for (let k = 0; k < count; k++) {
          sum += (xs.weights[w + k] as number) * (plane[line + first + k] as number);
        }
        rows[y * size + t] = sum;
      }
    }
    for (let t = 0; t < size; t++) {
      const first = ys.start[t] as number;
      const count = ys.count[t] as number;
      const w = t * ys.span;
      const base = at + t * size * channels + c;
      for (let x = 0; x < size; x++) {
        let sum = 0;
        for (let k = 0; k < count; k++) {
          sum += (ys.weights[w + k] as number) * (rows[(first + k) * size + x] as number);
        }
        out[base + x * channels] = sum;
      }
    }
  }
}

/** Whether any of the column's images has colour: its mean chroma reaches the threshold. */
export function imagesAreColoured(
  column: StringColumn & { readonly pixels: DecodedImages },
): boolean {
  const { pixels, codes } = column;
  const data = pixels.data;
  const seen = new Uint8Array(pixels.keys.length);
  for (let i = 0; i < codes.length; i++) {
    const entry = codes[i] as number;
    if (entry < 0 || seen[entry]) continue;
    seen[entry] = 1;
    const offset = pixels.offsets[entry] as number;
    const n = (pixels.widths[entry] as number) * (pixels.heights[entry] as number);
    if (n === 0) continue;
    let chroma = 0;
    for (let p = 0, at = offset; p < n; p++, at += 4) {
      const r = data[at] as number;
      const g = data[at + 1] as number;
      const b = data[at + 2] as number;
      const spread = Math.max(r, g, b) - Math.min(r, g, b);
      chroma += spread * (data[at + 3] as number);
    }
    if (chroma / (n * 255 * 255) >= CHROMA_THRESHOLD) return true;
  }
  return false;
}

interface Resampled {
  readonly features: Float32Array;
  readonly done: Uint8Array;
}

/**
 * Resampled features by decoded pixels, size and colour. Row subsets, folds and shuffles of a
 * column share its pixels object, so training, cross-validation, AutoML trials and importance
 * resample each image once; the features go when the pixels do.
 */
const resampledCache = new WeakMap<DecodedImages, Map<string, Resampled>>();

/** The most memory the resampled features of one column and setting may keep. */
const MAX_CACHED_BYTES = 64 * 1024 * 1024;

function resampledImages(pixels: DecodedImages, size: number, color: ImageColor): Resampled | null {
  const width = size * size * channelsOf(color);
  if (pixels.keys.length * width * Float32Array.BYTES_PER_ELEMENT > MAX_CACHED_BYTES) return null;
  let bySetting = resampledCache.get(pixels);
  if (!bySetting) {
    bySetting = new Map();
    resampledCache.set(pixels, bySetting);
  }
  const key = `${size}|${color}`;
  let entry = bySetting.get(key);
  if (!entry) {
    const entries = pixels.keys.length;
    entry = {
      features: new Float32Array(entries * width),
      done: new Uint8Array(entries),
    };
    bySetting.set(key, entry);
  }
  return entry;
}

export class FittedImage implements FittedTransformer {
  readonly kind = 'image';
  readonly outputNames: readonly string[];

  constructor(
    readonly column: string,
    readonly size: number,
    readonly color: ImageColor,
  ) {
    this.outputNames = imageFeatureNames(column, size, color);
  }

  get channels(): number {
    return channelsOf(this.color);
  }

  /** Each distinct image is resampled once, however many rows and transforms show it. */
  write(input: Column, out: Float32Array, stride: number, offset: number) {
    const column = imageInput(input);
    const width = this.outputNames.length;
    const codes = column.codes;
    const cached = resampledImages(column.pixels, this.size, this.color);
    if (!cached) {
      // Too many images to keep their features: resample each once for this call only.
      const firstAt = new Float64Array(column.dictionary.length).fill(-1);
      for (let i = 0, at = offset; i < codes.length; i++, at += stride) {
        const code = codes[i] as number;
        if (code < 0) continue;
        const first = firstAt[code] as number;
        if (first >= 0) out.copyWithin(at, first, first + width);
        else {
          writeImageFeatures(column.pixels, code, this.size, this.color, out, at);
          firstAt[code] = at;
        }
      }
      return;
    }
    const { features, done } = cached;
    for (let i = 0, at = offset; i < codes.length; i++, at += stride) {
      const code = codes[i] as number;
      if (code < 0) continue;
      if (!done[code]) {
        writeImageFeatures(column.pixels, code, this.size, this.color, features, code * width);
        done[code] = 1;
      }
      out.set(features.subarray(code * width, (code + 1) * width), at);
    }
  }

  transform(input: Column): Matrix {
    return transformToMatrix(this, input);
  }

  toJSON(): TransformerJSON {
    return { kind: this.kind, format: 1, column: this.column, size: this.size, color: this.color };
  }

  static fromJSON(json: unknown): FittedImage {
    const fields = JsonFields.transformer(json, 'image', 1);
    const size = fields.integer('size', MIN_IMAGE_SIZE);
    if (size > MAX_IMAGE_SIZE)
      fields.fail('size', `an integer from ${MIN_IMAGE_SIZE} to ${MAX_IMAGE_SIZE}`);
    return new FittedImage(fields.string('column'), size, fields.oneOf('color', COLORS));
  }
}

function checkSize(size: number, column: string) {
  if (!Number.isInteger(size) || size < MIN_IMAGE_SIZE || size > MAX_IMAGE_SIZE) {
    throw new TrainingError(
      'invalid-params',
      `Images of column “${column}” can be resized to ${MIN_IMAGE_SIZE} to ${MAX_IMAGE_SIZE} pixels a side, not ${size}.`,
      column,
    );
  }
}

/** Chooses grayscale or colour (from the pixels, unless told) and the size. */
export function fitImage(input: Column, options: ImageOptions = {}): FittedImage {
  const column = imageInput(input);
  const requested = options.color ?? 'auto';
  if (requested !== 'auto' && !COLORS.includes(requested)) {
    throw new TrainingError(
      'invalid-params',
      `Images of column “${column.name}” are read as “gray” or “rgb” (or “auto”), not “${String(requested)}”.`,
      column.name,
    );
  }
  const color = requested === 'auto' ? (imagesAreColoured(column) ? 'rgb' : 'gray') : requested;
  const size = options.size ?? DEFAULT_IMAGE_SIZE[color];
  checkSize(size, column.name);
  return new FittedImage(column.name, size, color);
}
