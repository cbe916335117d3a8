/**
 * One place for a page's state: a state provider holds it in a Store, changes it only through its own
 * methods, and components subscribe (through StoreController) and draw from it. No DOM here, so a
 * state provider is tested in plain Node.
 */

export type Listener = () => void;

export class Store<S> {
  private current: S;
  private readonly listeners = new Set<Listener>();

  constructor(initial: S) {
    this.current = initial;
  }

  get state(): S {
    return this.current;
  }

  /** Replaces the state and tells every subscriber once. */
  set(next: S): void {
    if (next === this.current) return;
    this.current = next;
    for (const listener of [...this.listeners]) listener();
  }

  update(change: (state: S) => S): void {
    this.set(change(this.current));
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
