/**
 * Where a threshold line's label goes ("critical 2.7 (90 %)"): above or below its line, at the left or
 * the right end, wherever it covers the fewest drawn points and no other label. The newest points sit
 * at the right end, where a person looks first: a label never covers them while any other place is
 * free. Pure (pixel geometry in, positions out), so the rule is tested without a canvas.
 */

export interface LabelBox {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

export interface ThresholdLabel {
  /** The line's y in pixels. */
  readonly y: number;
  readonly width: number;
}

export interface PlacedLabel {
  readonly x: number;
  readonly y: number;
  readonly align: 'left' | 'right';
  readonly box: LabelBox;
}

export interface PlotPoint {
  readonly x: number;
  readonly y: number;
}

const GAP = 2;
const INSET = 4;
/** What covering one of the newest points costs, against one older point. */
const NEWEST_WEIGHT = 1000;
const OVERLAP_WEIGHT = 100_000;

function covers(box: LabelBox, point: PlotPoint, margin: number): boolean {
  return point.x >= box.left - margin && point.x <= box.right + margin && point.y >= box.top - margin && point.y <= box.bottom + margin;
}

function intersects(a: LabelBox, b: LabelBox): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/**
 * One placement per label, in order. `newest`: the last drawn point of each series (and any point
 * a person reads as "now"); `points`: every drawn point.
 */
export function placeThresholdLabels(
  labels: readonly ThresholdLabel[],
  area: LabelBox,
  points: readonly PlotPoint[],
  newest: readonly PlotPoint[],
  height: number,
): PlacedLabel[] {
  const placed: PlacedLabel[] = [];
  for (const label of labels) {
    const candidates: PlacedLabel[] = [];
    for (const align of ['left', 'right'] as const) {
      for (const side of ['above', 'below'] as const) {
        const top = side === 'above' ? label.y - GAP - height : label.y + GAP;
        if (top < area.top - 1 || top + height > area.bottom + 1) continue;
        const left = align === 'left' ? area.left + INSET : area.right - INSET - label.width;
        const box = { left, top, right: left + label.width, bottom: top + height };
        candidates.push({ x: align === 'left' ? left : box.right, y: box.bottom - 1, align, box });
      }
    }
    if (candidates.length === 0) {
      const left = area.left + INSET;
      const box = { left, top: area.top, right: left + label.width, bottom: area.top + height };
      candidates.push({ x: left, y: box.bottom - 1, align: 'left', box });
    }
    let best = candidates[0] as PlacedLabel;
    let bestScore = Number.POSITIVE_INFINITY;
    for (const candidate of candidates) {
      let score = 0;
      for (const point of newest) if (covers(candidate.box, point, 4)) score += NEWEST_WEIGHT;
      for (const point of points) if (covers(candidate.box, point, 1)) score += 1;
      for (const other of placed) if (intersects(candidate.box, other.box)) score += OVERLAP_WEIGHT;
      if (score < bestScore) {
        best = candidate;
        bestScore = score;
      }
    }
    placed.push(best);
  }
  return placed;
}
