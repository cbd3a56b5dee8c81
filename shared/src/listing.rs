//! The list queries the dashboard and the API both speak, each one type that reads and
//! writes its query string: the stream list's view ([`ListParams`]), the token registry's
//! group and page ([`TokensQuery`], `GET /tokens`), the ingest log's ([`IngestLogQuery`])
//! and tag suggestions ([`TagsQuery`], `GET /tags`).
//!
//! The dashboard keeps the stream list's view in its page URL
//! (`/streams?state=live&tag=sport&page=2`) and sends the very same pairs to
//! `GET /api/v1/streams`, so a shared link, a reload and the API all mean one view. The
//! API reads them strictly ([`ListParams::parse`]: every bad value is a field error); the
//! dashboard reads its URL leniently on top of that ([`ListParams::from_pairs`]: a
//! hand-edited URL with a bad value falls back to that filter's default). Writing leaves
//! defaults out, so the plain list has a plain URL. With the `openapi` feature each type
//! also describes its parameters to the OpenAPI document.

use crate::error::FieldErrors;
use crate::model::IngestOutcome;
use crate::stream::{DatePreset, PerPage, StreamLookup, StreamState, Tag};
use crate::Timestamp;
use serde::Deserialize;
use uuid::Uuid;

/// Query keys of the stream list, as docs/api.md ("Listing") names them.
pub const STATE: &str = "state";
pub const TAG: &str = "tag";
pub const DATE: &str = "date";
pub const FROM: &str = "from";
pub const TO: &str = "to";
pub const GROUP: &str = "group";
pub const Q: &str = "q";
pub const PAGE: &str = "page";
pub const PER_PAGE: &str = "per_page";
/// The ingest log's filter.
pub const OUTCOME: &str = "outcome";

/// Every key [`ListParams::parse`] reads, in the order the OpenAPI document lists them
/// and [`ListParams::to_pairs`] writes them; any other key is ignored.
pub const KEYS: [&str; 9] = [STATE, TAG, DATE, FROM, TO, GROUP, Q, PAGE, PER_PAGE];

/// The keys that may repeat, each value adding to the others; every other key holds
/// one value (the last one given wins).
const REPEATABLE: [&str; 2] = [STATE, TAG];

/// The filters an exact search (`q`) ignores, values and errors alike.
const IGNORED_BY_SEARCH: [&str; 6] = [STATE, TAG, DATE, FROM, TO, GROUP];

/// `state` accepts this besides the states: every state but deleted.
const ALL_STATES: &str = "all";

/// Every filter of the stream list plus the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListParams {
    /// Wanted states, as given (`all` adds every state but deleted); empty means the
    /// default, every state but deleted (see [`ListParams::listed_states`]). In
    /// [`StreamState::ALL`] order, without duplicates.
    pub states: Vec<StreamState>,
    /// Every one must be on the stream (AND); in the order they were added.
    pub tags: Vec<Tag>,
    /// A preset range on `updated_at` (UTC); applies together with `from` and `to`.
    pub date: Option<DatePreset>,
    /// `updated_at >= from`.
    pub from: Option<Timestamp>,
    /// `updated_at < to`; after `from` when both are given.
    pub to: Option<Timestamp>,
    /// One row per group (`true`, the default) or every member its own row.
    pub grouped: bool,
    /// An exact stream id or streamname; when given, every other filter is ignored
    /// (`grouped` still sets the item's shape). An empty `q=` is no search.
    pub q: Option<StreamLookup>,
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
            from: None,
            to: None,
            grouped: true,
            q: None,
            page: 1,
            per_page: PerPage::default(),
        }
    }
}

impl ListParams {
    /// Reads a view from query pairs (already percent-decoded), strictly: every value
    /// that does not parse is a field error under its key, as the API answers them.
    ///
    /// `state` and `tag` may repeat and `state` takes comma lists (parts trimmed, empty
    /// parts skipped; `all` is every state but deleted); any other key holds one value,
    /// the last one wins. `from` must be before `to`. With `q` (an exact search) the other
    /// filters are ignored, errors included, but paging is not. An empty `q=` is no
    /// search; unknown keys (cache busters and the like) are ignored.
    pub fn parse<K: AsRef<str>, V: AsRef<str>>(
        pairs: &[(K, V)],
    ) -> Result<ListParams, FieldErrors> {
        let mut params = ListParams::default();
        let mut errors = FieldErrors::new();
        for (key, value) in pairs {
            if let Err(message) = params.read(key.as_ref(), value.as_ref()) {
                errors.insert(key.as_ref().to_string(), message);
            }
        }
        if let (Some(from), Some(to)) = (params.from, params.to) {
            if from >= to && !errors.contains_key(FROM) && !errors.contains_key(TO) {
                errors.insert(FROM.into(), "must be before to".into());
            }
        }
        if params.q.is_some() {
            // `q` ignores every other filter, so their values do not matter either.
            for filter in IGNORED_BY_SEARCH {
                errors.remove(filter);
            }
        }
        if errors.is_empty() {
            Ok(params)
        } else {
            Err(errors)
        }
    }

    /// Reads one pair into `self`; the refusal of its value, if any (a `state` list
    /// keeps its good parts).
    fn read(&mut self, key: &str, value: &str) -> Result<(), String> {
        match key {
            STATE => {
                let mut refused = false;
                for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    if part == ALL_STATES {
                        StreamState::LISTED_BY_DEFAULT
                            .into_iter()
                            .for_each(|s| self.toggle_state_on(s));
                    } else if let Ok(state) = part.parse::<StreamState>() {
                        self.toggle_state_on(state);
                    } else {
                        refused = true;
                    }
                }
                if refused {
                    return Err(
                        "must be all or one or more of created, live, ended, locked, deleted"
                            .into(),
                    );
                }
            }
            TAG => {
                let tag = Tag::parse(value)?;
                if !self.tags.contains(&tag) {
                    self.tags.push(tag);
                }
            }
            DATE => self.date = Some(value.parse::<DatePreset>()?),
            FROM => self.from = Some(Timestamp::parse(value)?),
            TO => self.to = Some(Timestamp::parse(value)?),
            GROUP => {
                self.grouped = match value {
                    "true" => true,
                    "false" => false,
                    _ => return Err("must be true or false".into()),
                }
            }
            // An empty `q=` is no search.
            Q if value.is_empty() => {}
            Q => self.q = Some(StreamLookup::parse(value)?),
            PAGE => {
                self.page = value
                    .parse::<u64>()
                    .ok()
                    .filter(|p| *p >= 1)
                    .ok_or("must be a whole number from 1")?;
            }
            PER_PAGE => {
                self.per_page = value
                    .parse::<u32>()
                    .ok()
                    .and_then(|n| PerPage::new(n).ok())
                    .ok_or("must be one of 25, 50, 100, 150")?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Reads a view from query pairs (already percent-decoded) leniently, for a URL a
    /// person may have edited: [`parse`](Self::parse) without the refusals. Each value
    /// is read on its own (each part of a `state` list too); one that [`parse`] refuses
    /// is dropped, and for a key that holds one value it sets that key back to its
    /// default. Values refused only together (`from` not before `to`) lose the key the
    /// refusal names.
    pub fn from_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> ListParams {
        let mut kept: Vec<(&str, &str)> = Vec::new();
        for (key, value) in pairs {
            let (key, value) = (key.as_ref(), value.as_ref());
            let parts: Vec<&str> = if key == STATE {
                value.split(',').collect()
            } else {
                vec![value]
            };
            for part in parts {
                if ListParams::parse(&[(key, part)]).is_ok() {
                    kept.push((key, part));
                } else if !REPEATABLE.contains(&key) {
                    kept.retain(|(k, _)| *k != key);
                }
            }
        }
        loop {
            match ListParams::parse(&kept) {
                Ok(params) => return params,
                Err(errors) => {
                    let before = kept.len();
                    kept.retain(|(k, _)| !errors.contains_key(*k));
                    if kept.len() == before {
                        // Not reached: every refusal names a key that was given.
                        return ListParams::default();
                    }
                }
            }
        }
    }

    /// The query pairs of this view, defaults left out, in [`KEYS`] order; one `state`
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
        if let Some(from) = self.from {
            pairs.push((FROM, from.to_string()));
        }
        if let Some(to) = self.to {
            pairs.push((TO, to.to_string()));
        }
        if !self.grouped {
            pairs.push((GROUP, "false".to_string()));
        }
        if let Some(q) = &self.q {
            pairs.push((Q, q.as_str().to_string()));
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
        encode(&self.to_pairs())
    }

    /// The states listed: the wanted ones, or every state but deleted when none is.
    pub fn listed_states(&self) -> Vec<StreamState> {
        if self.states.is_empty() {
            StreamState::LISTED_BY_DEFAULT.to_vec()
        } else {
            self.states.clone()
        }
    }

    /// Whether any filter narrows the list (page, page size and grouping are not
    /// filters; an exact search is).
    pub fn is_filtered(&self) -> bool {
        !self.states.is_empty()
            || !self.tags.is_empty()
            || self.date.is_some()
            || self.from.is_some()
            || self.to.is_some()
            || self.q.is_some()
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

/// `pairs` as a percent-encoded query string (without `?`).
fn encode(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", crate::snippet::percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The stream list's parameters in the OpenAPI document, one per [`KEYS`] entry; the
/// schemas are those of the types [`ListParams::parse`] reads each value as.
#[cfg(feature = "openapi")]
impl utoipa::IntoParams for ListParams {
    fn into_params(
        _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        use crate::openapi::{format, KnownFormat, ObjectBuilder, Type};
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::{RefOr, Required, Schema};
        use utoipa::PartialSchema;

        // `state`: a comma list of states or `all`, as `parse` reads it (written here
        // without spaces or empty parts, which it skips); described in its schema.
        let one = std::iter::once(ALL_STATES)
            .chain(StreamState::ALL.iter().map(|s| s.as_str()))
            .collect::<Vec<_>>()
            .join("|");
        let states = ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "`all` or one or more of created, live, ended, locked, deleted; repeatable or \
                 comma-separated (default all = every state but deleted).",
            ))
            .pattern(Some(format!("^({one})(,({one}))*$")));
        let page = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(format(KnownFormat::Int64))
            .minimum(Some(1));
        let group = ObjectBuilder::new().schema_type(Type::Boolean);
        let described: [(&str, Option<&str>, RefOr<Schema>); 9] = [
            (STATE, None, states.into()),
            (
                TAG,
                Some("Repeatable; every tag must be on the stream."),
                Tag::schema(),
            ),
            (DATE, Some("On `updated_at`, UTC."), DatePreset::schema()),
            (FROM, Some("`updated_at` >= from."), Timestamp::schema()),
            (
                TO,
                Some("`updated_at` < to; must be after `from`."),
                Timestamp::schema(),
            ),
            (
                GROUP,
                Some("`true` (default): one item per group; `false`: every member."),
                group.into(),
            ),
            (
                Q,
                Some(
                    "An exact stream id or streamname; every other filter is then ignored, \
                     while `group`\nstill sets the item's shape (`playouts` in grouped mode). \
                     Empty is no search.",
                ),
                StreamLookup::schema(),
            ),
            (
                PAGE,
                Some("1-based, default 1; a page past the end is empty."),
                page.into(),
            ),
            (
                PER_PAGE,
                Some("25 (default), 50, 100 or 150."),
                PerPage::schema(),
            ),
        ];
        described
            .into_iter()
            .map(|(name, description, schema)| {
                ParameterBuilder::new()
                    .name(name)
                    .parameter_in(ParameterIn::Query)
                    .required(Required::False)
                    .description(description)
                    .schema(Some(schema))
                    .build()
            })
            .collect()
    }
}

/// Where a page of a plain paged list starts: the 1-based `page` (default 1), its size
/// (default 25) and how many rows come before it. The one home of the rule both plain
/// paged queries follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageWindow {
    pub page: u64,
    pub per_page: u32,
    pub offset: u64,
}

impl PageWindow {
    /// The window of `page` and `per_page` as a query gave them; a `page` of 0 is refused
    /// with the reason for the `page` field.
    pub fn new(page: Option<u64>, per_page: Option<PerPage>) -> Result<PageWindow, &'static str> {
        let page = page.unwrap_or(1);
        if page == 0 {
            return Err("must be 1 or more");
        }
        let per_page = per_page.unwrap_or_default().get();
        Ok(PageWindow {
            page,
            per_page,
            offset: (page - 1).saturating_mul(u64::from(per_page)),
        })
    }
}

/// The query of the token registry (`GET /tokens`): the stream group whose tokens are
/// wanted (every token when absent) and the page; the server refuses a malformed group
/// id, a `page` of 0 and any other key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[serde(deny_unknown_fields)]
pub struct TokensQuery {
    /// Only tokens whose scope is this stream group (their `grp` claim): the group's id,
    /// the passthrough's.
    #[serde(default, deserialize_with = "group_id")]
    pub group: Option<Uuid>,
    /// 1-based, default 1.
    #[cfg_attr(feature = "openapi", param(minimum = 1))]
    pub page: Option<u64>,
    /// 25 (default), 50, 100 or 150.
    #[cfg_attr(feature = "openapi", param(inline))]
    pub per_page: Option<PerPage>,
}

impl TokensQuery {
    /// The page asked for ([`PageWindow::new`]).
    pub fn window(&self) -> Result<PageWindow, &'static str> {
        PageWindow::new(self.page, self.per_page)
    }

    /// Every key the query has.
    pub const KEYS: [&'static str; 3] = [GROUP, PAGE, PER_PAGE];

    /// The percent-encoded query string (without `?`) of the given values.
    pub fn to_query(&self) -> String {
        let mut pairs = Vec::new();
        if let Some(group) = self.group {
            pairs.push((GROUP, group.to_string()));
        }
        if let Some(page) = self.page {
            pairs.push((PAGE, page.to_string()));
        }
        if let Some(per_page) = self.per_page {
            pairs.push((PER_PAGE, per_page.get().to_string()));
        }
        encode(&pairs)
    }
}

/// Why a `group` value is refused.
pub const GROUP_ID_REFUSAL: &str =
    "must be a stream group id, a UUID such as 7c1e0000-0000-4000-8000-000000000001";

/// A stream group id as a query gives it: a hyphenated UUID (either case; ids are
/// written in lowercase).
pub fn parse_group_id(text: &str) -> Result<Uuid, &'static str> {
    let hyphenated = text.len() == 36
        && text.char_indices().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    hyphenated
        .then(|| Uuid::parse_str(text).ok())
        .flatten()
        .ok_or(GROUP_ID_REFUSAL)
}

/// Reads `group` with [`parse_group_id`], so a refusal reads in its words.
fn group_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Uuid>, D::Error> {
    let text = String::deserialize(d)?;
    parse_group_id(&text)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

/// The query of the ingest log (`GET /ingest-log`, `GET /streams/{id}/ingest-log`): the
/// outcome wanted (both when absent) and the page; the server refuses a `page` of 0 and
/// any other key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[serde(deny_unknown_fields)]
pub struct IngestLogQuery {
    /// Only accepted or only refused attempts; both when absent.
    #[cfg_attr(feature = "openapi", param(inline))]
    pub outcome: Option<IngestOutcome>,
    /// 1-based, default 1.
    #[cfg_attr(feature = "openapi", param(minimum = 1))]
    pub page: Option<u64>,
    /// 25 (default), 50, 100 or 150.
    #[cfg_attr(feature = "openapi", param(inline))]
    pub per_page: Option<PerPage>,
}

impl IngestLogQuery {
    /// The page asked for ([`PageWindow::new`]).
    pub fn window(&self) -> Result<PageWindow, &'static str> {
        PageWindow::new(self.page, self.per_page)
    }

    /// Every key the query has.
    pub const KEYS: [&'static str; 3] = [OUTCOME, PAGE, PER_PAGE];

    /// The percent-encoded query string (without `?`) of the given values.
    pub fn to_query(&self) -> String {
        let mut pairs = Vec::new();
        if let Some(outcome) = self.outcome {
            pairs.push((OUTCOME, outcome.as_str().to_string()));
        }
        if let Some(page) = self.page {
            pairs.push((PAGE, page.to_string()));
        }
        if let Some(per_page) = self.per_page {
            pairs.push((PER_PAGE, per_page.get().to_string()));
        }
        encode(&pairs)
    }
}

/// The query of `GET /tags`: without `prefix` every tag in use, with it suggestions.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct TagsQuery {
    /// Case-sensitive start of the tag; at least 3 characters
    pub prefix: Option<String>,
}

impl TagsQuery {
    /// Every key the query has.
    pub const KEYS: [&'static str; 1] = ["prefix"];

    /// The percent-encoded query string (without `?`) of the given values.
    pub fn to_query(&self) -> String {
        let pairs: Vec<(&str, String)> = self
            .prefix
            .iter()
            .map(|p| (Self::KEYS[0], p.clone()))
            .collect();
        encode(&pairs)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_page_window_is_one_based_with_the_rows_before_it() {
        assert_eq!(
            PageWindow::new(None, None),
            Ok(PageWindow {
                page: 1,
                per_page: 25,
                offset: 0
            })
        );
        let fifty = PerPage::new(50).ok();
        assert_eq!(
            PageWindow::new(Some(3), fifty),
            Ok(PageWindow {
                page: 3,
                per_page: 50,
                offset: 100
            })
        );
        assert_eq!(PageWindow::new(Some(0), fifty), Err("must be 1 or more"));
        assert_eq!(
            PageWindow::new(Some(u64::MAX), fifty).map(|w| w.offset),
            Ok(u64::MAX)
        );
    }

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

    // -----------------------------------------------------------------------------------
    // The strict parse: the API's refusals
    // -----------------------------------------------------------------------------------

    /// Parses a query string as the server decodes it.
    fn parse(raw: &str) -> Result<ListParams, FieldErrors> {
        let pairs: Vec<_> = form_urlencoded::parse(raw.as_bytes()).collect();
        ListParams::parse(&pairs)
    }

    fn fields(raw: &str) -> FieldErrors {
        match parse(raw) {
            Err(fields) => fields,
            other => panic!("expected field errors for {raw:?}, got {other:?}"),
        }
    }

    #[test]
    fn defaults() {
        let q = parse("").expect("valid");
        assert_eq!(q, ListParams::default());
        assert_eq!(q.listed_states(), StreamState::LISTED_BY_DEFAULT.to_vec());
        assert!(q.grouped && q.tags.is_empty() && q.q.is_none());
        assert_eq!((q.page, q.per_page.get()), (1, 25));
    }

    #[test]
    fn states_repeat_and_split() {
        let q = parse("state=live,ended&state=deleted&state=live").expect("valid");
        assert_eq!(
            q.states,
            vec![StreamState::Live, StreamState::Ended, StreamState::Deleted]
        );
        let all = parse("state=all&state=deleted").expect("valid");
        assert_eq!(all.states, StreamState::ALL.to_vec());
        assert!(fields("state=gone").contains_key("state"));
        let spaced = parse("state=%20live%20,,ended").expect("valid");
        assert_eq!(spaced.states, vec![StreamState::Live, StreamState::Ended]);
    }

    #[test]
    fn tags_dates_and_pages() {
        let q =
            parse("tag=a%2Fb&tag=k%3Av&tag=a%2Fb&date=yesterday&group=false&page=3&per_page=50")
                .expect("valid");
        let tags: Vec<&str> = q.tags.iter().map(Tag::as_str).collect();
        assert_eq!(tags, vec!["a/b", "k:v"]);
        assert_eq!(q.date, Some(DatePreset::Yesterday));
        assert!(!q.grouped);
        assert_eq!((q.page, q.per_page.get()), (3, 50));
        let bounds =
            parse("from=2026-11-01T00:00:00Z&to=2026-11-02T01:00:00%2B01:00").expect("valid");
        assert_eq!(
            bounds.from.map(|t| t.to_string()),
            Some("2026-11-01T00:00:00.000Z".into())
        );
        assert_eq!(
            bounds.to.map(|t| t.to_string()),
            Some("2026-11-02T00:00:00.000Z".into())
        );
    }

    #[test]
    fn refusals_name_the_parameter() {
        assert_eq!(fields("page=0")["page"], "must be a whole number from 1");
        assert_eq!(fields("page=x")["page"], "must be a whole number from 1");
        assert_eq!(
            fields("page=18446744073709551616")["page"],
            "must be a whole number from 1"
        );
        let far = parse("page=18446744073709551615").expect("valid");
        assert_eq!(far.page, u64::MAX);
        assert_eq!(
            fields("per_page=20")["per_page"],
            "must be one of 25, 50, 100, 150"
        );
        assert_eq!(fields("group=yes")["group"], "must be true or false");
        assert_eq!(
            fields("from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z")["from"],
            "must be before to"
        );
        assert_eq!(
            fields("from=2026-11-01T00:00:00Z&to=2026-11-01T00:00:00Z")["from"],
            "must be before to"
        );
        assert!(fields("from=yesterday").contains_key("from"));
        assert!(fields("q=abc").contains_key("q"));
        assert!(fields("date=forever").contains_key("date"));
        assert!(fields("tag=%20").contains_key("tag"));
        assert_eq!(
            fields("state=live,gone")["state"],
            "must be all or one or more of created, live, ended, locked, deleted"
        );
        // Every refusal at once, one per key; unknown keys are no refusal.
        let all = fields("page=0&per_page=7&group=yes&state=gone&other=x");
        assert_eq!(
            all.keys().map(String::as_str).collect::<Vec<_>>(),
            ["group", "page", "per_page", "state"]
        );
    }

    #[test]
    fn q_ignores_the_other_filters_but_not_paging() {
        let q = parse("q=AbCdE-fGhIj&state=gone&from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z")
            .expect("valid");
        assert!(q.q.is_some());
        assert!(fields("q=AbCdE-fGhIj&per_page=7").contains_key("per_page"));
    }

    #[test]
    fn empty_q_is_no_search_and_q_keeps_case() {
        assert!(parse("q=").expect("valid").q.is_none());
        let q = parse("q=AbCdE-fGhIj").expect("valid");
        assert!(matches!(q.q, Some(StreamLookup::Name(n)) if n.as_str() == "AbCdE-fGhIj"));
        let id = parse("q=0F8FAD5B-D9CB-469F-A165-70867728950E").expect("valid");
        assert!(
            matches!(id.q, Some(StreamLookup::Id(i)) if i == "0F8FAD5B-D9CB-469F-A165-70867728950E")
        );
    }

    #[test]
    fn reading_leniently_drops_the_new_fields_too() {
        let p = ListParams::from_pairs(&[
            ("state", "all"),
            ("q", "abc"),
            ("from", "yesterday"),
            ("to", "2026-11-01T00:00:00Z"),
            ("date", "today"),
            ("date", "someday"),
            ("group", "false"),
            ("group", "yes"),
            ("page", "3"),
            ("page", "0"),
        ]);
        assert_eq!(p.states, StreamState::LISTED_BY_DEFAULT.to_vec());
        assert_eq!(p.q, None);
        assert_eq!(p.from, None);
        assert_eq!(
            p.to.map(|t| t.to_string()),
            Some("2026-11-01T00:00:00.000Z".into())
        );
        assert_eq!(p.date, None);
        assert!(p.grouped);
        assert_eq!(p.page, 1);
        // Refused together: `from` (named by the refusal) goes, `to` stays.
        let crossed = ListParams::from_pairs(&[
            ("from", "2026-11-02T00:00:00Z"),
            ("to", "2026-11-01T00:00:00Z"),
            ("q", ""),
        ]);
        assert_eq!(crossed.from, None);
        assert!(crossed.to.is_some());
        assert!(crossed.q.is_none());
        // What the strict parse accepts, the lenient one reads the same.
        let raw = "state=live,ended&tag=a&date=today&from=2026-11-01T00:00:00Z&group=false&q=AbCdE-fGhIj&page=2&per_page=50";
        let pairs: Vec<_> = form_urlencoded::parse(raw.as_bytes()).collect();
        assert_eq!(ListParams::from_pairs(&pairs), parse(raw).expect("valid"));
    }

    #[test]
    fn the_new_fields_are_written_after_the_date_and_q_after_group() {
        let p = ListParams {
            from: Timestamp::parse("2026-11-01T00:00:00Z").ok(),
            to: Timestamp::parse("2026-11-02T00:00:00+01:00").ok(),
            q: StreamLookup::parse("AbCdE-fGhIj").ok(),
            date: Some(DatePreset::Today),
            grouped: false,
            ..ListParams::default()
        };
        assert_eq!(
            p.to_query(),
            "date=today&from=2026-11-01T00%3A00%3A00.000Z&to=2026-11-01T23%3A00%3A00.000Z&group=false&q=AbCdE-fGhIj"
        );
        assert!(p.is_filtered());
        let keys: Vec<&str> = p.to_pairs().iter().map(|(k, _)| *k).collect();
        assert!(keys.iter().all(|k| KEYS.contains(k)));
    }

    #[test]
    fn page_and_tags_queries_write_what_is_given() {
        assert_eq!(TokensQuery::default().to_query(), "");
        let page = TokensQuery {
            page: Some(1),
            per_page: PerPage::new(25).ok(),
            ..TokensQuery::default()
        };
        assert_eq!(page.to_query(), "page=1&per_page=25");
        let group = TokensQuery {
            group: Uuid::parse_str("7c1e0000-0000-4000-8000-00000000000a").ok(),
            page: Some(2),
            per_page: None,
        };
        assert_eq!(
            group.to_query(),
            "group=7c1e0000-0000-4000-8000-00000000000a&page=2"
        );
        assert_eq!(TagsQuery::default().to_query(), "");
        let tags = TagsQuery {
            prefix: Some("k:v a".into()),
        };
        assert_eq!(tags.to_query(), "prefix=k%3Av%20a");
        assert_eq!(IngestLogQuery::default().to_query(), "");
        let log = IngestLogQuery {
            outcome: Some(IngestOutcome::Refused),
            page: Some(2),
            per_page: PerPage::new(50).ok(),
        };
        assert_eq!(log.to_query(), "outcome=refused&page=2&per_page=50");
    }

    #[test]
    fn a_group_is_a_hyphenated_uuid_and_reads_back_from_its_query() {
        let id = "7c1e0000-0000-4000-8000-00000000000a";
        assert_eq!(parse_group_id(id), Ok(Uuid::parse_str(id).expect("uuid")));
        assert_eq!(
            parse_group_id("7C1E0000-0000-4000-8000-00000000000A"),
            Ok(Uuid::parse_str(id).expect("uuid"))
        );
        for refused in [
            "",
            "nope",
            "7c1e0000000040008000000000000000a",
            "7c1e00000000-4000-8000-00000000000a",
            "{7c1e0000-0000-4000-8000-00000000000a}",
            "7c1e0000-0000-4000-8000-00000000000g",
            "7c1e0000-0000-4000-8000-00000000000a ",
        ] {
            assert_eq!(
                parse_group_id(refused),
                Err(GROUP_ID_REFUSAL),
                "{refused:?}"
            );
        }
        // Read by serde as the API reads it: the refusal in the same words.
        let read = |q: &str| {
            let pairs: Vec<(String, String)> =
                form_urlencoded::parse(q.as_bytes()).into_owned().collect();
            let map = serde_json::Map::from_iter(
                pairs
                    .into_iter()
                    .map(|(k, v)| (k, serde_json::Value::String(v))),
            );
            serde_json::from_value::<TokensQuery>(serde_json::Value::Object(map))
                .map_err(|e| e.to_string())
        };
        assert_eq!(
            read("group=7c1e0000-0000-4000-8000-00000000000a"),
            Ok(TokensQuery {
                group: Uuid::parse_str(id).ok(),
                ..TokensQuery::default()
            })
        );
        assert_eq!(read("group=nope"), Err(GROUP_ID_REFUSAL.to_string()));
        assert_eq!(read(""), Ok(TokensQuery::default()));
    }

    #[cfg(feature = "openapi")]
    #[test]
    fn the_document_lists_exactly_the_keys_read() {
        use utoipa::IntoParams;
        let names = |params: Vec<utoipa::openapi::path::Parameter>| {
            params.into_iter().map(|p| p.name).collect::<Vec<_>>()
        };
        assert_eq!(names(ListParams::into_params(|| None)), KEYS);
        assert_eq!(names(TokensQuery::into_params(|| None)), TokensQuery::KEYS);
        assert_eq!(names(TagsQuery::into_params(|| None)), TagsQuery::KEYS);
        assert_eq!(
            names(IngestLogQuery::into_params(|| None)),
            IngestLogQuery::KEYS
        );
        assert_eq!(
            names(crate::model::JwksQuery::into_params(|| None)),
            crate::model::JwksQuery::KEYS
        );
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
            from in proptest::option::of(0i64..4_000_000_000_000),
            to in proptest::option::of(0i64..4_000_000_000_000),
            q in proptest::option::of(prop_oneof![
                "[A-Za-z0-9]{5}-[A-Za-z0-9]{5}",
                "[0-9a-fA-F]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            ]),
        ) {
            // `from` before `to` when both are given (else the strict parse refuses them).
            let from = from.filter(|f| to.is_none_or(|t| *f < t));
            let mut p = ListParams {
                date,
                from: from.and_then(Timestamp::from_millis),
                to: to.and_then(Timestamp::from_millis),
                grouped,
                q: q.map(|q| StreamLookup::parse(&q).expect("a lookup")),
                page,
                per_page: PerPage::new(per_page).expect("allowed"),
                ..ListParams::default()
            };
            for s in states { p.toggle_state_on(s); }
            for t in tags { if let Ok(t) = Tag::parse(&t) { if !p.tags.contains(&t) { p.tags.push(t); } } }
            let pairs: Vec<(String, String)> = p.to_pairs().into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            prop_assert_eq!(ListParams::parse(&pairs), Ok(p.clone()));
            prop_assert_eq!(ListParams::from_pairs(&pairs), p.clone());
            // And through the encoded query string, decoded as the server does.
            let query = p.to_query();
            let decoded: Vec<_> = form_urlencoded::parse(query.as_bytes()).collect();
            prop_assert_eq!(ListParams::parse(&decoded), Ok(p));
        }
    }
}
