/**
 * Copies a link: the async clipboard where the page may use it, otherwise a text field with the link
 * selected (and a try of the old copy command), so the user can copy it by hand.
 */
export type CopyOutcome = 'copied' | 'selected';

export async function copyLink(url: string, doc: Document = document): Promise<CopyOutcome> {
  const clipboard = doc.defaultView?.navigator.clipboard;
  if (clipboard !== undefined) {
    try {
      await clipboard.writeText(url);
      hideLinkField(doc);
      return 'copied';
    } catch {
      // Permission denied, no focus, insecure context: fall through to the text field.
    }
  }
  const input = showLinkField(url, doc);
  let copied: boolean;
  try {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the fallback for pages without the clipboard API
    copied = doc.execCommand('copy');
  } catch {
    copied = false;
  }
  input.focus();
  input.select();
  return copied ? 'copied' : 'selected';
}

const FIELD_ID = 'link-box';

/** The link in a read-only field, selected, with a close button; reused if already shown. */
export function showLinkField(url: string, doc: Document): HTMLInputElement {
  let box = doc.getElementById(FIELD_ID);
  if (box === null) {
    box = doc.createElement('div');
    box.id = FIELD_ID;
    const label = doc.createElement('span');
    label.textContent = 'link (Ctrl+C / ⌘C to copy):';
    const input = doc.createElement('input');
    input.type = 'text';
    input.readOnly = true;
    input.setAttribute('aria-label', 'link to this view');
    const close = doc.createElement('button');
    close.type = 'button';
    close.textContent = '×';
    close.title = 'close';
    close.addEventListener('click', () => hideLinkField(doc));
    box.append(label, input, close);
    // With the notices at the top of the right column (index.html), never over the view.
    (doc.getElementById('notices') ?? doc.body).append(box);
  }
  const input = box.querySelector('input');
  if (input === null) throw new Error('link field without an input');
  box.hidden = false;
  input.value = url;
  input.focus();
  input.select();
  return input;
}

export function hideLinkField(doc: Document): void {
  const box = doc.getElementById(FIELD_ID);
  if (box !== null) box.hidden = true;
}
