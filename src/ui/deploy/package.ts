/**
 * The deployment zip: the embed file, the runtime, a demo page that works from any static host
 * (and from file:// for the lab's own models), and the model as ONNX when it has an ONNX form.
 */
import { zip, type AsyncZippable } from 'fflate';
import { demoPage, ONNX_RUNTIME_FILES, RUNTIME_FILES } from '../../embed/deploy';
import { embedFile, ONNX_FILE, type Deployable, type OnnxExport } from './deployable';
import { runtimeFiles } from './runtime';

export interface DeploymentZip {
  readonly fileName: string;
  readonly bytes: Uint8Array;
  readonly files: readonly { readonly name: string; readonly size: number }[];
}

const fileSafe = (text: string) =>
  text.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';

export const deploymentName = (deployable: Deployable) =>
  `${fileSafe(deployable.modelName)}-v${deployable.record.version}`;

/** The files of a deployment, by path in the zip. */
export async function deploymentFiles(
  deployable: Deployable,
  onnx: OnnxExport,
): Promise<Map<string, Uint8Array>> {
  const file = embedFile(deployable);
  const encoder = new TextEncoder();
  const runtime = await runtimeFiles(
    deployable.kind === 'onnx' ? [...RUNTIME_FILES, ...ONNX_RUNTIME_FILES] : RUNTIME_FILES,
  );
  const files = new Map<string, Uint8Array>([
    ['index.html', encoder.encode(demoPage(file))],
    ['model.bunsen.json', encoder.encode(JSON.stringify(file))],
    ...runtime,
  ]);
  if (onnx.ok) files.set(ONNX_FILE, onnx.bytes);
  return files;
}

/**
 * Zips the files off the page's thread (fflate's workers), so that packing the 14 MB of
 * onnxruntime-web an ONNX deployment carries never freezes the page. ONNX weights compress
 * little and are stored as they are.
 */
export async function zipDeployment(
  deployable: Deployable,
  files: Map<string, Uint8Array>,
): Promise<DeploymentZip> {
  const name = deploymentName(deployable);
  const entries: AsyncZippable = {};
  for (const [path, bytes] of files) {
    entries[`${name}/${path}`] = [bytes, { level: path.endsWith('.onnx') ? 0 : 6 }];
  }
  const bytes = await new Promise<Uint8Array>((resolve, reject) =>
    zip(entries, (error, data) => (error ? reject(error) : resolve(data))),
  );
  return {
    fileName: `${name}.zip`,
    bytes,
    files: [...files].map(([path, data]) => ({ name: path, size: data.byteLength })),
  };
}
