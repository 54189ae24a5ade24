import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { createCsvImporter } from '../src/core/data/csv/importer';
import { profileTable } from '../src/core/data/profile/profile';
const path = process.argv[2]!;
const MB = 1024 * 1024;
for (let rep = 0; rep < 3; rep++) {
  const t0 = performance.now();
  const importer = createCsvImporter({ totalBytes: statSync(path).size });
  const fd = openSync(path, 'r');
  const chunk = new Uint8Array(MB);
  for (let read = readSync(fd, chunk); read > 0; read = readSync(fd, chunk)) importer.push(chunk.subarray(0, read));
  closeSync(fd);
  const result = importer.finish();
  if (!result.ok) throw new Error('x');
  const t1 = performance.now();
  let last = t1;
  const steps: string[] = [];
  profileTable(result.table, { onProgress: (p) => { const now = performance.now(); const c = result.table.columns[p.done - 1]; steps.push(`${c ? c.name + ':' + c.type : 'step' + p.done}=${(now - last).toFixed(0)}`); last = now; } });
  const t2 = performance.now();
  console.log(`import ${(t1 - t0).toFixed(0)} profile ${(t2 - t1).toFixed(0)}`);
  console.log(steps.join(' '));
}
