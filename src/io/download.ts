/** Save bytes or text as a file through a Blob and a temporary anchor (the browser's download). */
export function downloadFile(data: Uint8Array | string, filename: string, mime: string): void {
  const part: BlobPart = typeof data === 'string' ? data : new Uint8Array(data);
  const url = URL.createObjectURL(new Blob([part], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke after the click has been handed to the browser's download manager.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
