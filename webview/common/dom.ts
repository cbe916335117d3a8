/**
 * A tiny element builder. Text always goes in as text nodes (labels and error messages come from
 * servers), never as markup, and nothing sets a style attribute (the CSP forbids inline styles).
 */

type Attributes = Record<string, string | number | boolean | undefined>;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes?: Attributes,
  ...children: (Node | string | undefined | false)[]
): HTMLElementTagNameMap[K];
export function el(tag: string, attributes?: Attributes, ...children: (Node | string | undefined | false)[]): HTMLElement;
export function el(tag: string, attributes: Attributes = {}, ...children: (Node | string | undefined | false)[]): HTMLElement {
  const element = document.createElement(tag);
  setAttributes(element, attributes);
  for (const child of children) if (child !== undefined && child !== false) element.append(child);
  return element;
}

export function setAttributes(element: Element, attributes: Attributes): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) element.removeAttribute(name);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
}

/** Replaces an element's children. */
export function replaceChildren(element: Element, ...children: (Node | string | undefined | false)[]): void {
  element.replaceChildren(...children.filter((child): child is Node | string => child !== undefined && child !== false));
}

/** A codicon (vscode-icon) that screen readers skip. */
export function icon(name: string, spin = false): HTMLElement {
  return el('vscode-icon', { name, 'aria-hidden': 'true', ...(spin ? { spin: true } : {}) });
}

/** A CSS-safe id fragment for any string (connection and chart ids may hold `/`, `:` and spaces). */
export function domId(prefix: string, text: string): string {
  let hash = 0;
  for (let index = 0; index < text.length; index++) hash = (Math.imul(hash, 31) + text.charCodeAt(index)) | 0;
  return `${prefix}-${text.replace(/[^A-Za-z0-9_-]/g, '_')}-${(hash >>> 0).toString(36)}`;
}
