/**
 * The embed runtime as the lab ships it (under embed/, precached for offline use): the files a
 * deployment zip carries, fetched from the lab's own origin, and the onnxruntime-web module the
 * runtime's ONNX path imports.
 */

const embedBase = () => new URL('embed/', document.baseURI);

/** The module the runtime imports for ONNX models (the lab's copy of onnxruntime-web). */
export const onnxRuntimeUrl = () => new URL('ort/ort.wasm.min.mjs', embedBase()).href;

/** The runtime files by name, read from the lab's build. */
export async function runtimeFiles(names: readonly string[]): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  await Promise.all(
    names.map(async (name) => {
      const url = new URL(name, embedBase()).href;
      let response: Response;
      try {
        response = await fetch(url);
      } catch (error) {
        throw new Error(`Could not read the lab's copy of ${name}: ${(error as Error).message}`);
      }
      if (!response.ok) {
        throw new Error(
          `Could not read the lab's copy of ${name} (HTTP ${response.status}): this build of the lab lacks the embed runtime.`,
        );
      }
      files.set(name, new Uint8Array(await response.arrayBuffer()));
    }),
  );
  return files;
}
