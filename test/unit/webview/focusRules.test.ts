/**
 * Where focus goes after an action takes away the control that had it: removing a row goes to the
 * previous row's key field (or the Add button once none of the person's rows is left), adding one
 * goes to the new row's key field, and the Launch button takes focus back once the host's
 * confirmation is answered; the control that had focus gets it back when the page is focused again
 * after a dialog. The element lookup is checked against a stand-in for the rows' DOM.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { focusToRestore } from '../../../webview/common/focusReturn';
import { focusAfterAdding, focusAfterRemoving, focusLaunchAfter, focusWhenDrawn, rowFocusElement } from '../../../webview/sessions/focusRules';

describe('focus after removing a row', () => {
  test('goes to the previous row’s key field', () => {
    assert.deepEqual(focusAfterRemoving(2, 3), { kind: 'rowKey', index: 1 });
    assert.deepEqual(focusAfterRemoving(1, 2), { kind: 'rowKey', index: 0 });
  });

  test('removing the first of several goes to the row that moved up into its place', () => {
    assert.deepEqual(focusAfterRemoving(0, 3), { kind: 'rowKey', index: 0 });
  });

  test('removing the only row goes to the Add button', () => {
    assert.deepEqual(focusAfterRemoving(0, 1), { kind: 'addButton' });
  });

  test('an index past the end (a row removed twice) still lands on a row that exists', () => {
    assert.deepEqual(focusAfterRemoving(5, 3), { kind: 'rowKey', index: 1 });
  });
});

describe('focus after adding a row', () => {
  test('goes to the new, last row’s key field', () => {
    assert.deepEqual(focusAfterAdding(1), { kind: 'rowKey', index: 0 });
    assert.deepEqual(focusAfterAdding(4), { kind: 'rowKey', index: 3 });
  });
});

describe('focus after the launch confirmation', () => {
  test('returns to Launch when the answer arrives, and only then', () => {
    assert.equal(focusLaunchAfter(true, false), true);
    assert.equal(focusLaunchAfter(false, false), false);
    assert.equal(focusLaunchAfter(false, true), false);
    assert.equal(focusLaunchAfter(true, true), false);
  });
});

describe('the element a focus means', () => {
  const keys = ['key 1', 'key 2', 'key 3'];
  const rows = {
    querySelector: (selector: string) => (selector === '.add-row' ? 'add' : null),
    querySelectorAll: (selector: string) => (selector === '.condition-row .row-key' ? keys : []),
  } as unknown as ParentNode;

  test('a row’s key field by its index, the Add button by its class', () => {
    assert.equal(rowFocusElement(rows, { kind: 'rowKey', index: 1 }), 'key 2');
    assert.equal(rowFocusElement(rows, { kind: 'addButton' }), 'add');
    assert.equal(rowFocusElement(rows, { kind: 'rowKey', index: 7 }), null);
  });
});

describe('focusing a control that is still drawing itself', () => {
  test('waits for a component’s first update (its input does not exist before), then focuses it', async () => {
    let draw!: () => void;
    const focused: string[] = [];
    const field = { updateComplete: new Promise<void>((resolve) => (draw = resolve)), focus: () => focused.push('field') } as unknown as HTMLElement;
    focusWhenDrawn(field);
    await Promise.resolve();
    assert.deepEqual(focused, [], 'focused before it was drawn');
    draw();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(focused, ['field']);
  });

  test('a plain element is focused at once; nothing to focus is no error', () => {
    const focused: string[] = [];
    focusWhenDrawn({ focus: () => focused.push('button') } as unknown as HTMLElement);
    assert.deepEqual(focused, ['button']);
    focusWhenDrawn(null);
  });
});

describe('focus given back when the page is focused again after a dialog', () => {
  const body = { isConnected: true };
  const button = { isConnected: true };
  const removed = { isConnected: false };

  test('the control that had focus, when focus is on the body or nowhere', () => {
    assert.equal(focusToRestore(body, body, button), button);
    assert.equal(focusToRestore(null, body, button), button);
  });

  test('nothing when focus is already on a control, the control is gone, or none was focused', () => {
    assert.equal(focusToRestore({ isConnected: true }, body, button), undefined);
    assert.equal(focusToRestore(body, body, removed), undefined);
    assert.equal(focusToRestore(body, body, undefined), undefined);
  });
});
