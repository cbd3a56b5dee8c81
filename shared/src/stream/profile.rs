//! Transcoding profiles, the presets and the bitrate ladder rule.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A transcode's output: resolution, bitrate and frame rate, with its profile id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    /// `vtrans2-<width>x<height>x<kbps>x<fps>`.
    pub id: String,
    pub width: u32,
    pub height: u32,
    pub bitrate_kbps: u32,
    pub framerate: u32,
}

impl Profile {
    pub const WIDTH: (u32, u32) = (16, 7680);
    pub const HEIGHT: (u32, u32) = (16, 4320);
    pub const BITRATE_KBPS: (u32, u32) = (50, 50_000);
    pub const FRAMERATE: (u32, u32) = (1, 120);

    /// A custom profile; every field within its bounds.
    pub fn custom(
        width: u32,
        height: u32,
        bitrate_kbps: u32,
        framerate: u32,
    ) -> Result<Self, BTreeMap<String, String>> {
        let mut errors = BTreeMap::new();
        for (name, value, (lo, hi)) in [
            ("width", width, Self::WIDTH),
            ("height", height, Self::HEIGHT),
            ("bitrate_kbps", bitrate_kbps, Self::BITRATE_KBPS),
            ("framerate", framerate, Self::FRAMERATE),
        ] {
            if !(lo..=hi).contains(&value) {
                errors.insert(name.to_string(), format!("must be between {lo} and {hi}"));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Profile {
            id: format!("vtrans2-{width}x{height}x{bitrate_kbps}x{framerate}"),
            width,
            height,
            bitrate_kbps,
            framerate,
        })
    }

    /// One of [`presets`] by id.
    pub fn preset(id: &str) -> Option<Profile> {
        presets().into_iter().find(|p| p.id == id)
    }

    /// "852×480 · 800 kbit/s · 25 fps".
    pub fn label(&self) -> String {
        format!(
            "{}×{} · {} kbit/s · {} fps",
            self.width, self.height, self.bitrate_kbps, self.framerate
        )
    }
}

/// The transcoding profiles offered by name: nanoStream's `vtrans2-` ladder.
pub fn presets() -> Vec<Profile> {
    const LADDER: [(u32, u32, u32, u32); 16] = [
        (1280, 720, 2000, 30),
        (1280, 720, 2000, 25),
        (1280, 720, 1600, 30),
        (1280, 720, 1600, 25),
        (1280, 720, 1200, 30),
        (1280, 720, 1200, 25),
        (1280, 720, 1000, 30),
        (1280, 720, 1000, 25),
        (852, 480, 800, 30),
        (852, 480, 800, 25),
        (852, 480, 640, 30),
        (852, 480, 640, 25),
        (640, 360, 400, 25),
        (640, 360, 300, 15),
        (480, 270, 250, 15),
        (426, 240, 200, 15),
    ];
    LADDER
        .iter()
        .map(|&(w, h, b, f)| Profile {
            id: format!("vtrans2-{w}x{h}x{b}x{f}"),
            width: w,
            height: h,
            bitrate_kbps: b,
            framerate: f,
        })
        .collect()
}

/// The ladder rule: transcode bitrates strictly decrease with the index. Returns the
/// position (0-based among transcodes) of the first profile breaking it.
pub fn ladder_violation(bitrates: &[u32]) -> Option<usize> {
    bitrates
        .windows(2)
        .position(|w| w[1] >= w[0])
        .map(|i| i + 1)
}
