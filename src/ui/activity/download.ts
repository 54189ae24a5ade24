/** Hands a file to the browser as a download. */
export function saveFile(content: string | Uint8Array, fileName: string, mediaType: string) {
  const blob = new Blob([content as BlobPart], { type: mediaType });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Some browsers read the object URL after click() returns; revoke it well after.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
