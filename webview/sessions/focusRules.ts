/**
 * Where focus goes after an action removes or re-renders the control that had it, so a keyboard user
 * is never dropped on the page's body: the rules, kept apart from the DOM so they are tested in Node.
 */

/** A control of a list of `key = value` rows (the query's conditions, the launch form's own tags). */
export type RowFocus = { readonly kind: 'rowKey'; readonly index: number } | { readonly kind: 'addButton' };

/**
 * After removing row `removed` of `before` rows: the previous row's key field; the row that moved up
 * into its place when the first went; the Add button when no row of the person's is left (the
 * builder then shows one blank row, which is not one they wrote).
 */
export function focusAfterRemoving(removed: number, before: number): RowFocus {
  if (before <= 1) return { kind: 'addButton' };
  if (removed > 0) return { kind: 'rowKey', index: Math.min(removed, before - 1) - 1 };
  return { kind: 'rowKey', index: 0 };
}

/** After adding a row, there are `after` rows: the new one's key field, to type into. */
export function focusAfterAdding(after: number): RowFocus {
  return { kind: 'rowKey', index: Math.max(0, after - 1) };
}

/**
 * Whether the Launch button takes focus back: it is disabled while the host's confirmation is open
 * (which drops its focus), so once the answer is in (launched, cancelled, failed) focus returns to it.
 */
export function focusLaunchAfter(wasPending: boolean, pending: boolean): boolean {
  return wasPending && !pending;
}

/**
 * Focuses a control once it has drawn itself: a vscode-textfield just added hands focus to the input
 * in its shadow root, which exists only after its first update (focusing it before does nothing).
 */
export function focusWhenDrawn(element: HTMLElement | null): void {
  if (!element) return;
  const drawn = (element as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete;
  if (drawn) void drawn.then(() => element.focus());
  else element.focus();
}

/** The element a row focus means, under the rows' container (`.rows-condition`, `.rows-tag`). */
export function rowFocusElement(rows: ParentNode, focus: RowFocus): HTMLElement | null {
  if (focus.kind === 'addButton') return rows.querySelector<HTMLElement>('.add-row');
  return rows.querySelectorAll<HTMLElement>('.condition-row .row-key')[focus.index] ?? null;
}
