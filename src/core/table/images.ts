import type { StringColumn } from './column';

/**
 * The pixels of an image column's distinct images, one entry per dictionary entry and in the
 * dictionary's order: 8-bit RGBA (not premultiplied), row-major, the entries packed one after
 * another in `data`. An image column's cells are content hashes; these are what the hashes name,
 * decoded (and usually shrunk) by whoever can decode images, before features are computed.
 */
export interface DecodedImages {
  /** The dictionary the entries were decoded for: a guard against a rebuilt dictionary. */
  readonly keys: readonly string[];
  readonly widths: Uint32Array;
  readonly heights: Uint32Array;
  /** Byte offset of each entry's first pixel in `data`. */
  readonly offsets: Float64Array;
  readonly data: Uint8Array;
}

export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  /** `width × height × 4` bytes of RGBA. */
  readonly rgba: Uint8Array;
}

/** Packs decoded images, given in the order of `keys`, into one buffer. */
export function packImages(
  keys: readonly string[],
  images: readonly DecodedImage[],
): DecodedImages {
  if (images.length !== keys.length) {
    throw new RangeError(`${images.length} decoded images were given for ${keys.length} keys.`);
  }
  const widths = new Uint32Array(keys.length);
  const heights = new Uint32Array(keys.length);
  const offsets = new Float64Array(keys.length);
  let bytes = 0;
  images.forEach((image, i) => {
    if (image.rgba.length !== image.width * image.height * 4) {
      throw new RangeError(
        `Image “${keys[i]}” is ${image.width}×${image.height} but holds ${image.rgba.length} bytes, not ${image.width * image.height * 4}.`,
      );
    }
    widths[i] = image.width;
    heights[i] = image.height;
    offsets[i] = bytes;
    bytes += image.rgba.length;
  });
  const data = new Uint8Array(bytes);
  images.forEach((image, i) => data.set(image.rgba, offsets[i] as number));
  return { keys, widths, heights, offsets, data };
}

/** The column with pixels attached; they must have been decoded for this very dictionary. */
export function withPixels(column: StringColumn, pixels: DecodedImages): StringColumn {
  if (!pixelsMatch(column, pixels)) {
    throw new RangeError(
      `The decoded images do not match the ${column.dictionary.length} images of column “${column.name}”.`,
    );
  }
  return { ...column, pixels };
}

/** Whether `pixels` were decoded for the column's dictionary, entry by entry. */
export function pixelsMatch(column: StringColumn, pixels: DecodedImages): boolean {
  const { dictionary } = column;
  if (pixels.keys.length !== dictionary.length) return false;
  if (pixels.keys === dictionary) return true;
  for (let i = 0; i < dictionary.length; i++) if (pixels.keys[i] !== dictionary[i]) return false;
  return true;
}
