import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readGeneralSettings } from '../../../src/connections/generalSettings';

const reader =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

describe('readGeneralSettings', () => {
  test('defaults when nothing is set, and no problems', () => {
    const { settings, problems } = readGeneralSettings(reader({}));
    assert.deepEqual(problems, []);
    assert.equal(settings.fullResolutionDays, 7);
    assert.equal(settings.maxSeriesPerConnection, 1000);
    assert.equal(settings.maxJsonDepth, 64);
    assert.equal(settings.pauseWhenUnfocused, true);
  });

  test('a wrong type names the setting and the type expected, and the default is used', () => {
    const { settings, problems } = readGeneralSettings(
      reader({ 'history.fullResolutionDays': '14', pauseWhenUnfocused: 'no', 'limits.maxSeriesPerConnection': [5] }),
    );
    assert.equal(settings.fullResolutionDays, 7);
    assert.equal(settings.pauseWhenUnfocused, true);
    assert.equal(settings.maxSeriesPerConnection, 1000);
    assert.deepEqual(problems, [
      'liveUsage.pauseWhenUnfocused: expected true or false, got a string; using true',
      'liveUsage.history.fullResolutionDays: expected a number, got a string; using 7',
      'liveUsage.limits.maxSeriesPerConnection: expected a number, got a list; using 1000',
    ]);
  });

  test('out of range is brought to the nearest bound, and said so', () => {
    const { settings, problems } = readGeneralSettings(reader({ 'limits.maxJsonDepth': 100_000 }));
    assert.equal(settings.maxJsonDepth, 512);
    assert.deepEqual(problems, ['liveUsage.limits.maxJsonDepth: must be between 8 and 512; using 512']);
  });
});
