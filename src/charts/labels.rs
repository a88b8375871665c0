//! Where the indicator chart's markers and value labels go, in pixels: markers of values that
//! meet stand side by side, and every label sits beside its markers without touching another
//! label or a marker, on the side that crosses fewer lines.

/// Markers closer than this stand side by side, at most this far apart.
pub(super) const MARKER_SPAN: i32 = 17;
/// A label's box (its white halo) height.
pub(super) const LABEL_H: i32 = 26;
const GAP: i32 = 6;

/// One period's reported values.
pub(super) struct Column {
    /// The period's x.
    pub x: i32,
    pub entries: Vec<Entry>,
}

pub(super) struct Entry {
    pub metric: usize,
    /// The marker's centre, after standing aside.
    pub x: i32,
    pub y: i32,
    pub label: String,
    /// The label's box width.
    pub width: i32,
}

impl Column {
    /// Values that meet (four budget lines at 26–27 % after Q1) would hide each other's
    /// markers: each run of markers closer than a marker's size is spread sideways, within
    /// `room` pixels.
    pub fn dodge(&mut self, room: i32) {
        self.entries.sort_by_key(|e| (e.y, e.metric));
        let mut start = 0;
        while start < self.entries.len() {
            let mut end = start + 1;
            while end < self.entries.len() && self.entries[end].y - self.entries[end - 1].y < MARKER_SPAN {
                end += 1;
            }
            let run = &mut self.entries[start..end];
            run.sort_by_key(|e| e.metric);
            let k = run.len() as i32;
            let step = if k > 1 { MARKER_SPAN.min(room / (k - 1)) } else { 0 };
            for (j, e) in run.iter_mut().enumerate() {
                e.x = self.x + (2 * j as i32 - (k - 1)) * step / 2;
            }
            start = end;
        }
    }

    pub fn marker(&self, metric: usize) -> Option<(i32, i32)> {
        self.entries.iter().find(|e| e.metric == metric).map(|e| (e.x, e.y))
    }

    /// Leftmost and rightmost pixel of the column's markers.
    fn span(&self) -> (i32, i32) {
        let xs = self.entries.iter().map(|e| e.x);
        (xs.clone().min().unwrap_or(self.x) - MARKER_SPAN / 2, xs.max().unwrap_or(self.x) + MARKER_SPAN / 2)
    }
}

/// A value label's box in pixels: top-left, width, height; the column and metric it labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct LabelBox {
    pub metric: usize,
    pub column: usize,
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

/// A straight piece of a drawn line.
pub(super) type Segment = ((i32, i32), (i32, i32));

impl LabelBox {
    pub fn area(x: std::ops::Range<i32>, y: std::ops::Range<i32>) -> LabelBox {
        LabelBox { metric: 0, column: 0, x: x.start, y: y.start, w: x.end - x.start, h: y.end - y.start }
    }

    pub fn intersects(&self, o: &LabelBox) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }

    pub fn within(&self, area: &LabelBox) -> bool {
        self.x >= area.x
            && self.y >= area.y
            && self.x + self.w <= area.x + area.w
            && self.y + self.h <= area.y + area.h
    }

    pub fn covers_marker(&self, (x, y): (i32, i32)) -> bool {
        let r = MARKER_SPAN / 2;
        self.intersects(&LabelBox { metric: 0, column: 0, x: x - r, y: y - r, w: 2 * r, h: 2 * r })
    }

    /// Whether the segment passes through the box.
    fn crosses(&self, &((x0, y0), (x1, y1)): &Segment) -> bool {
        let steps = ((x1 - x0).abs().max((y1 - y0).abs()) / 3).max(1);
        (0..=steps).any(|i| {
            let x = x0 + (x1 - x0) * i / steps;
            let y = y0 + (y1 - y0) * i / steps;
            x > self.x && x < self.x + self.w && y > self.y && y < self.y + self.h
        })
    }
}

/// Where each value's label goes: beside its period's markers, stacked so that none overlaps
/// another label or a marker and all stay in `area`, on the side crossing fewer `lines`. When
/// the periods are too close for that (twelve months), only each metric's latest value is
/// labelled; a label that still finds no place is left out rather than overlap.
pub(super) fn place(columns: &[Column], area: LabelBox, lines: &[Segment]) -> Vec<LabelBox> {
    let markers: Vec<(i32, i32)> =
        columns.iter().flat_map(|c| c.entries.iter().map(|e| (e.x, e.y))).collect();
    let free = |boxes: &[LabelBox], placed: &[LabelBox]| {
        boxes.iter().enumerate().all(|(i, b)| {
            b.within(&area)
                && !markers.iter().any(|&m| b.covers_marker(m))
                && !boxes[..i].iter().chain(placed).any(|o| o.intersects(b))
        })
    };
    let crossings = |boxes: &[LabelBox]| lines.iter().filter(|s| boxes.iter().any(|b| b.crosses(s))).count();
    let best_side = |stacks: [Vec<LabelBox>; 2], placed: &[LabelBox]| {
        stacks.into_iter().filter(|s| free(s, placed)).min_by_key(|s| crossings(s))
    };
    let mut every = Vec::new();
    let all_placed = columns.iter().enumerate().all(|(c, column)| {
        let entries: Vec<&Entry> = column.entries.iter().collect();
        match best_side(sides(c, column, &entries, area), &every) {
            Some(stack) => {
                every.extend(stack);
                true
            }
            None => entries.is_empty(),
        }
    });
    if all_placed {
        return every;
    }
    let mut kept: Vec<LabelBox> = Vec::new();
    for (c, column) in columns.iter().enumerate() {
        let latest: Vec<&Entry> = column
            .entries
            .iter()
            .filter(|e| !columns[c + 1..].iter().any(|later| later.marker(e.metric).is_some()))
            .collect();
        if let Some(stack) = best_side(sides(c, column, &latest, area), &kept) {
            kept.extend(stack);
            continue;
        }
        for e in latest {
            if let Some(one) = best_side(sides(c, column, &[e], area), &kept) {
                kept.extend(one);
            }
        }
    }
    kept
}

/// The labels of `entries` stacked right of the column's markers, and left of them.
fn sides(c: usize, column: &Column, entries: &[&Entry], area: LabelBox) -> [Vec<LabelBox>; 2] {
    let (left, right) = column.span();
    let widest = entries.iter().map(|e| e.width).max().unwrap_or(0);
    let right_side = stack(c, entries, area, |_| right + GAP);
    let left_side = stack(c, entries, area, |w| left - GAP - widest + (widest - w));
    [right_side, left_side]
}

/// Each label at its marker's height, pushed down below the one before, then the stack moved
/// back up to centre it on its markers, within the area.
fn stack(c: usize, entries: &[&Entry], area: LabelBox, x_of: impl Fn(i32) -> i32) -> Vec<LabelBox> {
    let mut entries = entries.to_vec();
    entries.sort_by_key(|e| (e.y, e.metric));
    let mut tops: Vec<i32> = Vec::with_capacity(entries.len());
    for e in &entries {
        let wanted = e.y - LABEL_H / 2;
        tops.push(tops.last().map_or(wanted, |&prev| wanted.max(prev + LABEL_H + 2)));
    }
    let Some(&first) = tops.first() else { return vec![] };
    let drift =
        tops.iter().zip(&entries).map(|(t, e)| t + LABEL_H / 2 - e.y).sum::<i32>() / tops.len() as i32;
    let lowest = tops.last().copied().unwrap_or(first) + LABEL_H;
    let shift = drift.max(lowest - (area.y + area.h)).min(first - area.y).max(0);
    tops.iter()
        .zip(&entries)
        .map(|(top, e)| LabelBox {
            metric: e.metric,
            column: c,
            x: x_of(e.width),
            y: top - shift,
            w: e.width,
            h: LABEL_H,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(x: i32, values: &[(usize, i32)]) -> Column {
        let entries = values
            .iter()
            .map(|&(metric, y)| Entry { metric, x, y, label: "26,0%".into(), width: 70 })
            .collect();
        Column { x, entries }
    }

    #[test]
    fn markers_that_meet_stand_apart_and_others_stay() {
        let mut c = column(200, &[(0, 300), (1, 304), (2, 304), (3, 305), (4, 100)]);
        c.dodge(60);
        let xs: Vec<(usize, i32)> = c.entries.iter().map(|e| (e.metric, e.x)).collect();
        assert_eq!(xs, [(4, 200), (0, 175), (1, 192), (2, 208), (3, 225)]);
        let mut narrow = column(200, &[(0, 300), (1, 300), (2, 300)]);
        narrow.dodge(20);
        assert_eq!(narrow.entries.iter().map(|e| e.x).collect::<Vec<_>>(), [190, 200, 210]);
    }

    #[test]
    fn labels_take_the_side_that_crosses_fewer_lines() {
        let area = LabelBox::area(100..900, 50..500);
        let columns = [column(300, &[(0, 300)])];
        // A line leaving to the right at the label's height: the label goes left.
        let lines = [((300, 300), (600, 300))];
        let placed = place(&columns, area, &lines);
        assert_eq!(placed.len(), 1);
        assert!(placed[0].x + placed[0].w <= 300 - MARKER_SPAN / 2, "{placed:?}");
        let right = place(&columns, area, &[]);
        assert!(right[0].x >= 300 + MARKER_SPAN / 2, "{right:?}");
    }

    #[test]
    fn no_room_beside_every_value_labels_the_latest_only() {
        let area = LabelBox::area(100..700, 50..500);
        let columns: Vec<Column> = (0..6).map(|i| column(130 + i * 80, &[(0, 400), (1, 404)])).collect();
        let placed = place(&columns, area, &[]);
        assert!(placed.iter().all(|b| b.column == 5), "{placed:?}");
        assert_eq!(placed.len(), 2);
        for (i, b) in placed.iter().enumerate() {
            assert!(b.within(&area) && placed[..i].iter().all(|o| !o.intersects(b)));
        }
    }
}
