//! Plots for a terminal: bar charts over time and horizontal histograms, in plain
//! Unicode block characters (no colours, so they survive a pipe and a log file).

const LEVELS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A bar chart of `values` (one per column, squeezed or stretched to `width`),
/// `height` rows tall, with the top value, zero and the first and last labels.
pub fn bars(title: &str, values: &[f64], width: usize, height: usize, first: &str, last: &str) -> String {
    bars_up_to(title, values, width, height, first, last, None)
}

/// [`bars`] on a scale up to `top` instead of the largest value: a share in percent
/// reads against 100, and a run whose hit rate never left 0 % would otherwise
/// label its top row 0, the same as its bottom one.
pub fn bars_up_to(title: &str, values: &[f64], width: usize, height: usize, first: &str, last: &str, top: Option<f64>) -> String {
    let mut out = format!("{title}\n");
    if values.is_empty() {
        out.push_str("  (nothing measured)\n");
        return out;
    }
    let columns: Vec<f64> = (0..width)
        .map(|c| {
            // Each column shows the largest value of the intervals it covers.
            let from = c * values.len() / width;
            let to = ((c + 1) * values.len() / width).max(from + 1).min(values.len());
            values[from..to].iter().copied().fold(0.0, f64::max)
        })
        .collect();
    let top = top.unwrap_or_else(|| columns.iter().copied().fold(0.0, f64::max));
    let label = |v: f64| short(v);
    let pad = label(top).len().max(1);
    for row in (0..height).rev() {
        let axis = if row == height - 1 {
            format!("{:>pad$} ┤", label(top))
        } else if row == 0 {
            format!("{:>pad$} ┤", "0")
        } else {
            format!("{:>pad$} │", "")
        };
        out.push_str(&axis);
        for v in &columns {
            let eighths = if top > 0.0 { (v / top * (height * 8) as f64).round() as usize } else { 0 };
            let here = eighths.saturating_sub(row * 8).min(8);
            out.push(LEVELS[here]);
        }
        out.push('\n');
    }
    out.push_str(&format!("{:>pad$} └{}\n", "", "─".repeat(columns.len())));
    // At least a space: a short run's labels would read as one ("0 h2 h").
    let gap = columns.len().saturating_sub(first.len() + last.len()).max(1);
    out.push_str(&format!("{:>pad$}  {first}{}{last}\n", "", " ".repeat(gap)));
    out
}

/// A horizontal histogram: one line per bin, `label  count ███`.
pub fn histogram(title: &str, bins: &[(String, u64)], width: usize) -> String {
    let mut out = format!("{title}\n");
    let top = bins.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let pad = bins.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    for (label, n) in bins {
        let eighths = (*n as f64 / top as f64 * (width * 8) as f64).round() as usize;
        let bar: String = "█".repeat(eighths / 8) + &LEVELS[eighths % 8].to_string();
        out.push_str(&format!("  {label:>pad$} {n:>7} {}\n", bar.trim_end()));
    }
    out
}

/// A number in at most five characters: 950, 12.3k, 4.1M.
pub fn short(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.1}G", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if a >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 10.0 || a == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_reach_the_top_for_the_largest_value() {
        let chart = bars("t", &[0.0, 5.0, 10.0], 3, 2, "0 h", "2 h");
        let lines: Vec<&str> = chart.lines().collect();
        assert_eq!(lines[1], "10 ┤  █");
        assert_eq!(lines[2], " 0 ┤ ██");
        assert_eq!(lines[4], "    0 h 2 h", "labels wider than the chart stay apart: {chart}");
    }

    #[test]
    fn a_share_is_drawn_against_its_whole() {
        let chart = bars_up_to("hits (%)", &[0.0, 0.0], 2, 2, "0 h", "2 h", Some(100.0));
        let lines: Vec<&str> = chart.lines().collect();
        assert_eq!((lines[1], lines[2]), ("100 ┤  ", "  0 ┤  "), "{chart}");
        let half = bars_up_to("hits (%)", &[50.0], 1, 2, "", "", Some(100.0));
        assert_eq!(half.lines().nth(2), Some("  0 ┤█"), "{half}");
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(short(950.0), "950");
        assert_eq!(short(12_345.0), "12k");
        assert_eq!(short(4_100_000.0), "4.1M");
        assert_eq!(short(0.5), "0.50");
    }
}
