/** Hands a Blob to the browser as a download (an <a download> click), then frees its URL. */
export function saveBlob(blob: Blob, fileName: string, doc: Document = document): void {
  const url = URL.createObjectURL(blob);
  const link = doc.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  doc.body.append(link);
  link.click();
  link.remove();
  // The download has its own reference by now; a short delay keeps slow browsers safe.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Bytes or text as a download of type `mime` (through saveBlob). */
export function saveData(data: Uint8Array | string, fileName: string, mime: string, doc: Document = document): void {
  // Copied into a plain ArrayBuffer: a Blob takes no view of a SharedArrayBuffer.
  const part: BlobPart = typeof data === 'string' ? data : new Uint8Array(data);
  saveBlob(new Blob([part], { type: mime }), fileName, doc);
}
