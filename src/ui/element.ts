/** A new element of `doc` with a class and text: the one-liner the cards build their DOM with. */
export function element<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, cls: string, text = ''): HTMLElementTagNameMap[K] {
  const made = doc.createElement(tag);
  made.className = cls;
  made.textContent = text;
  return made;
}
