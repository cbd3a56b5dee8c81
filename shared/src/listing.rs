//! The stream list's view: filters, page and page size, as one value that reads from and
//! writes to a query string.
//!
//! The dashboard keeps this value in its page URL (`/streams?state=live&tag=sport&page=2`)
//! and sends the very same pairs to `GET /api/v1/streams`, so a shared link, a reload and
//! the API all mean one view. Reading is lenient (a hand-edited URL with a bad value
//! falls back to that filter's default); writing leaves defaults out, so the plain list
//! has a plain URL.

use crate::stream::{DatePreset, PerPage, StreamState, Tag};

/// Query keys, as docs/api.md ("Listing") names them.
pub const STATE: &str = "state";
pub const TAG: &str = "tag";
pub const DATE: &str = "date";
pub const GROUP: &str = "group";
pub const PAGE: &str = "page";
pub const PER_PAGE: &str = "per_page";

/// Every filter of the stream list plus the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListParams {
    /// Wanted states; empty means "all" (every state but deleted). In
    /// [`StreamState::ALL`] order, without duplicates.
    pub states: Vec<StreamState>,
    /// Every one must be on the stream (AND); in the order they were added.
    pub tags: Vec<Tag>,
    pub date: Option<DatePreset>,
    /// One row per group (`true`, the default) or every member its own row.
    pub grouped: bool,
    /// 1-based.
    pub page: u64,
    pub per_page: PerPage,
}

impl Default for ListParams {
    fn default() -> Self {
        ListParams {
            states: Vec::new(),
            tags: Vec::new(),
            date: None,
            grouped: true,
            page: 1,
            per_page: PerPage::default(),
        }
    }
}

impl ListParams {
    /// Reads a view from query pairs (already percent-decoded). Unknown keys and values
    /// that do not parse are ignored; `state` may repeat or hold a comma list.
    pub fn from_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> ListParams {
        let mut params = ListParams::default();
        for (key, value) in pairs {
            let value = value.as_ref();
            match key.as_ref() {
                STATE => {
                    for part in value.split(',') {
                        if let Ok(state) = part.parse::<StreamState>() {
                            params.toggle_state_on(state);
                        }
                    }
                }
                TAG => {
                    if let Ok(tag) = Tag::parse(value) {
                        params.add_tag(tag);
                    }
                }
                DATE => params.date = value.parse().ok(),
                GROUP => params.grouped = value != "false",
                PAGE => params.page = value.parse().ok().filter(|p| *p >= 1).unwrap_or(1),
                PER_PAGE => {
                    params.per_page = value
                        .parse::<u32>()
                        .ok()
                        .and_then(|n| PerPage::new(n).ok())
                        .unwrap_or_default();
                }
                _ => {}
            }
        }
        params
    }

    /// The query pairs of this view, defaults left out, in a fixed order; one `state`
    /// pair per state.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        for state in &self.states {
            pairs.push((STATE, state.as_str().to_string()));
        }
        for tag in &self.tags {
            pairs.push((TAG, tag.as_str().to_string()));
        }
        if let Some(date) = self.date {
            pairs.push((DATE, date.as_str().to_string()));
        }
        if !self.grouped {
            pairs.push((GROUP, "false".to_string()));
        }
        if self.page != 1 {
            pairs.push((PAGE, self.page.to_string()));
        }
        if self.per_page != PerPage::default() {
            pairs.push((PER_PAGE, self.per_page.get().to_string()));
        }
        pairs
    }

    /// The percent-encoded query string (without `?`); empty for the default view.
    pub fn to_query(&self) -> String {
        self.to_pairs()
            .iter()
            .map(|(k, v)| format!("{k}={}", crate::snippet::percent_encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Whether any filter narrows the list (page and page size are not filters).
    pub fn is_filtered(&self) -> bool {
        !self.states.is_empty() || !self.tags.is_empty() || self.date.is_some()
    }

    /// Adds `state` to the wanted states, or removes it when present. Any change of a
    /// filter goes back to page 1.
    pub fn toggle_state(&mut self, state: StreamState) {
        if self.states.contains(&state) {
            self.states.retain(|s| *s != state);
        } else {
            self.toggle_state_on(state);
        }
        self.page = 1;
    }

    fn toggle_state_on(&mut self, state: StreamState) {
        if !self.states.contains(&state) {
            self.states.push(state);
            self.states.sort();
        }
    }

    /// Adds a tag (a duplicate changes nothing) and goes back to page 1.
    pub fn add_tag(&mut self, tag: Tag) {
        if !self.tags.contains(&tag) {
            self.tags.push(tag);
        }
        self.page = 1;
    }

    /// Removes a tag and goes back to page 1.
    pub fn remove_tag(&mut self, tag: &Tag) {
        self.tags.retain(|t| t != tag);
        self.page = 1;
    }

    /// How many pages `total` items fill at this page size (at least 1).
    pub fn page_count(&self, total: u64) -> u64 {
        total.div_ceil(u64::from(self.per_page.get())).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tag(s: &str) -> Tag {
        Tag::parse(s).expect("valid tag")
    }

    #[test]
    fn the_default_view_has_an_empty_query() {
        assert_eq!(ListParams::default().to_query(), "");
        assert_eq!(
            ListParams::from_pairs::<&str, &str>(&[]),
            ListParams::default()
        );
    }

    #[test]
    fn every_filter_is_written_with_the_api_keys() {
        let mut p = ListParams::default();
        p.toggle_state(StreamState::Locked);
        p.toggle_state(StreamState::Live);
        p.add_tag(tag("sport"));
        p.add_tag(tag("key:value a/b"));
        p.date = Some(DatePreset::ThisWeek);
        p.grouped = false;
        p.page = 3;
        p.per_page = PerPage::new(150).expect("allowed");
        assert_eq!(
            p.to_query(),
            "state=live&state=locked&tag=sport&tag=key%3Avalue%20a%2Fb&date=this_week&group=false&page=3&per_page=150"
        );
    }

    #[test]
    fn reading_is_lenient_and_drops_what_does_not_parse() {
        let p = ListParams::from_pairs(&[
            ("state", "live,bogus"),
            ("state", "ended"),
            ("tag", "   "),
            ("tag", "news"),
            ("date", "someday"),
            ("page", "0"),
            ("per_page", "30"),
            ("other", "x"),
        ]);
        assert_eq!(p.states, vec![StreamState::Live, StreamState::Ended]);
        assert_eq!(p.tags, vec![tag("news")]);
        assert_eq!(p.date, None);
        assert_eq!(p.page, 1);
        assert_eq!(p.per_page.get(), 25);
        assert!(p.grouped);
    }

    #[test]
    fn changing_a_filter_goes_back_to_page_one() {
        let mut p = ListParams {
            page: 4,
            ..ListParams::default()
        };
        p.add_tag(tag("a"));
        assert_eq!(p.page, 1);
        p.page = 4;
        p.toggle_state(StreamState::Live);
        assert_eq!(p.page, 1);
        p.page = 4;
        p.toggle_state(StreamState::Live);
        assert!(p.states.is_empty());
        assert_eq!(p.page, 1);
        p.page = 4;
        p.remove_tag(&tag("a"));
        assert!(p.tags.is_empty());
        assert_eq!(p.page, 1);
    }

    #[test]
    fn page_count_rounds_up_and_is_at_least_one() {
        let p = ListParams::default();
        assert_eq!(p.page_count(0), 1);
        assert_eq!(p.page_count(25), 1);
        assert_eq!(p.page_count(26), 2);
        assert_eq!(p.page_count(1_000_000), 40_000);
    }

    fn state() -> impl Strategy<Value = StreamState> {
        proptest::sample::select(StreamState::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn written_views_read_back_the_same(
            states in proptest::collection::vec(state(), 0..6),
            tags in proptest::collection::vec("[a-z:/ ]{0,3}[a-z]", 0..4),
            date in proptest::option::of(proptest::sample::select(DatePreset::ALL.to_vec())),
            grouped in any::<bool>(),
            page in 1u64..1000,
            per_page in proptest::sample::select(PerPage::ALLOWED.to_vec()),
        ) {
            let mut p = ListParams { date, grouped, page, per_page: PerPage::new(per_page).expect("allowed"), ..ListParams::default() };
            for s in states { p.toggle_state_on(s); }
            for t in tags { if let Ok(t) = Tag::parse(&t) { if !p.tags.contains(&t) { p.tags.push(t); } } }
            let pairs: Vec<(String, String)> = p.to_pairs().into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            prop_assert_eq!(ListParams::from_pairs(&pairs), p);
        }
    }
}
