//! How recorded files read wherever the dashboard lists them (the VOD card and the Live
//! Processing tab's recordings): one size and one length format, so the same file never
//! shows two different sizes.
//!
//! Integer arithmetic on purpose: formatting an `f64` (`{:.1}`) brings core's float
//! printing (Grisu/Dragon and their tables, about 17 KB) into the wasm.

/// A byte count in decimal (SI) units, one decimal from kB on: 999 → "999 B",
/// 1500 → "1.5 kB", 4,800,000 → "4.8 MB". Halves round up; the unit steps up once the
/// rounded value would read 1000.0.
pub fn file_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let tenths = |unit: u128| (u128::from(bytes) * 10 + unit / 2) / unit;
    let mut unit: u128 = 1000;
    let mut index = 0;
    while tenths(unit) >= 10_000 && index + 1 < UNITS.len() {
        unit *= 1000;
        index += 1;
    }
    let t = tenths(unit);
    format!("{}.{} {}", t / 10, t % 10, UNITS[index])
}

/// A recording's length as a clock: 45 → "0:45", 65 → "1:05", 3723 → "1:02:03".
pub fn clock(seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// A recording's length, or a dash when the media server did not report one.
pub fn length(seconds: Option<u32>) -> String {
    seconds.map_or_else(|| "—".to_string(), clock)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_decimal_units() {
        assert_eq!(file_size(0), "0 B");
        assert_eq!(file_size(999), "999 B");
        assert_eq!(file_size(1000), "1.0 kB");
        assert_eq!(file_size(1049), "1.0 kB");
        assert_eq!(file_size(1050), "1.1 kB");
        assert_eq!(file_size(1150), "1.2 kB");
        assert_eq!(file_size(1_500_000), "1.5 MB");
        assert_eq!(file_size(4_800_000), "4.8 MB");
        assert_eq!(file_size(999_949), "999.9 kB");
        assert_eq!(file_size(999_950), "1.0 MB");
        assert_eq!(file_size(999_999), "1.0 MB");
        assert_eq!(file_size(2_345_678_901), "2.3 GB");
        assert_eq!(file_size(u64::MAX), "18446.7 PB");
    }

    #[test]
    fn lengths_read_like_a_clock() {
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(45), "0:45");
        assert_eq!(clock(65), "1:05");
        assert_eq!(clock(3600), "1:00:00");
        assert_eq!(clock(3723), "1:02:03");
        assert_eq!(length(Some(90)), "1:30");
        assert_eq!(length(None), "—");
    }
}
