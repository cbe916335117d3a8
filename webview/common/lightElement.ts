/**
 * The base of every page component: a Lit element that renders into itself rather than a shadow root,
 * so the page's stylesheets (media/*.css, loaded under the CSP) and VS Code's theme variables reach
 * it, and tools find its parts by plain selectors.
 */
import { LitElement } from 'lit';

export class LightElement extends LitElement {
  protected override createRenderRoot(): HTMLElement {
    return this;
  }
}

/** Defines a custom element once (a bundle evaluated twice must not throw). */
export function define(name: string, element: CustomElementConstructor): void {
  if (!customElements.get(name)) customElements.define(name, element);
}
