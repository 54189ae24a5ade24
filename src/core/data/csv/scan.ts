import type { RowSink } from './row-sink';

/** Whether `text.slice(start, end).trim()` is empty, as papaparse's rows are judged. */
const isBlankRange = (text: string, start: number, end: number) => {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 32 || (code >= 9 && code <= 13)) continue;
    return code >= 128 && text.slice(start, end).trim() === '';
  }
  return true;
};

/**
 * Splits quote-free text into records and fields: every line break ends a record and every
 * delimiter ends a field, exactly as papaparse's own fast mode splits such text (which a test
 * checks). Fields go to the sink as ranges of `text`, so numbers and datetimes are read in place
 * instead of each becoming a string. (ASCII input takes `RowSink.readBytes` instead, which reads
 * the same records from the bytes.) Consumes `[0, end)` and returns the number of line breaks
 * read, or −1 on an error (left in `sink.error`).
 */
export function scanRecords(
  text: string,
  end: number,
  newline: string,
  delimiter: string,
  sink: RowSink,
  firstLine: number,
  header: boolean,
): number {
  const newlineLength = newline.length;
  const delimiterCode = delimiter.charCodeAt(0);
  // With CRLF line breaks a lone LF inside a record still starts a new line for people.
  const crlf = newline === '\r\n';
  let bounds = new Int32Array(2 * (sink.width + 1));
  let nextLine = firstLine;
  for (let position = 0; position < end;) {
    let lineEnd = text.indexOf(newline, position);
    let next: number;
    if (lineEnd < 0 || lineEnd >= end) {
      lineEnd = end;
      next = end;
    } else next = lineEnd + newlineLength;
    const start = position;
    position = next;
    const line = nextLine;
    nextLine += next === lineEnd ? 0 : 1;
    if (crlf) {
      for (
        let k = text.indexOf('\n', start);
        k >= 0 && k < lineEnd;
        k = text.indexOf('\n', k + 1)
      ) {
        nextLine++;
      }
    }

    if (sink.names === null) {
      const fields = text.slice(start, lineEnd).split(delimiter);
      if (fields.length === 1 && isBlankRange(text, start, lineEnd)) continue;
      if (!sink.takeHeader(fields, line)) return -1;
      bounds = new Int32Array(2 * (sink.width + 1));
      if (header) continue;
    }
    const width = sink.width;
    // Fields are short: a character loop beats a call to indexOf per field.
    let count = 0;
    let fieldStart = start;
    for (let i = start; i < lineEnd; i++) {
      if (text.charCodeAt(i) !== delimiterCode) continue;
      if (count < width) {
        bounds[2 * count] = fieldStart;
        bounds[2 * count + 1] = i;
      }
      count++;
      fieldStart = i + 1;
    }
    if (count < width) {
      bounds[2 * count] = fieldStart;
      bounds[2 * count + 1] = lineEnd;
    }
    count++;
    if (count === 1 && isBlankRange(text, start, lineEnd)) continue;
    const added =
      count === width
        ? sink.addRanges(text, bounds, line)
        : sink.addFields(text.slice(start, lineEnd).split(delimiter), line);
    if (!added) return -1;
  }
  return nextLine - firstLine;
}
