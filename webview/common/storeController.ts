/** Redraws a Lit component whenever a store it reads changes, from when it is connected until it is removed. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Store } from './store';

export class StoreController implements ReactiveController {
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly stores: readonly Pick<Store<unknown>, 'subscribe'>[],
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    const unsubscribes = this.stores.map((store) => store.subscribe(() => this.host.requestUpdate()));
    this.unsubscribe = () => unsubscribes.forEach((undo) => undo());
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
