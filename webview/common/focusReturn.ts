/**
 * Focus back where it was when the page gets focus again: after a dialog of VS Code's (a save dialog,
 * a confirmation) the webview is focused as a whole, and the control that opened the dialog may have
 * lost its focus meanwhile (a redraw, a button disabled while waiting), leaving the keyboard on the
 * page's body. The page remembers the last control that had focus and gives it back.
 */

/** The control to give focus back to, if any: only when focus is nowhere else and it still exists. */
export function focusToRestore<T extends { readonly isConnected: boolean }>(active: unknown, body: unknown, remembered: T | undefined): T | undefined {
  if (active !== body && active !== null && active !== undefined) return undefined;
  return remembered?.isConnected ? remembered : undefined;
}

/** Follows focus in the page and restores it when the page's window gets focus back. */
export function returnFocusAfterDialogs(): () => void {
  let remembered: HTMLElement | undefined;
  const onFocusIn = (event: FocusEvent) => {
    if (event.target instanceof HTMLElement && event.target !== document.body) remembered = event.target;
  };
  const onWindowFocus = () => {
    // After the browser has settled where focus goes in the page.
    requestAnimationFrame(() => focusToRestore(document.activeElement, document.body, remembered)?.focus());
  };
  document.addEventListener('focusin', onFocusIn);
  window.addEventListener('focus', onWindowFocus);
  return () => {
    document.removeEventListener('focusin', onFocusIn);
    window.removeEventListener('focus', onWindowFocus);
  };
}
