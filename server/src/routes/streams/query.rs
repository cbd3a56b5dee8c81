//! The query string of `GET /streams`: repeatable and comma-separated values, validated
//! into a store filter, and its description in the OpenAPI document.

use crate::error::ApiError;
use crate::store::ListFilter;
use chrono::{DateTime, Utc};
use shared::stream::{DatePreset, PerPage, StreamLookup, StreamState, Tag};
use shared::Timestamp;
use std::collections::BTreeMap;
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

/// The query string as the OpenAPI document states it, beside [`parse`], which reads it by
/// hand (`state` and `tag` repeat, `state` takes comma lists), so this is never built.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read by the derive only
pub struct ListQueryParams {
    #[param(schema_with = state_list)]
    state: Option<String>,
    /// Repeatable; every tag must be on the stream.
    #[param(inline)]
    tag: Option<Tag>,
    /// On `updated_at`, UTC.
    #[param(inline)]
    date: Option<DatePreset>,
    /// `updated_at` >= from.
    #[param(inline)]
    from: Option<Timestamp>,
    /// `updated_at` < to; must be after `from`.
    #[param(inline)]
    to: Option<Timestamp>,
    /// `true` (default): one item per group; `false`: every member.
    group: Option<bool>,
    /// An exact stream id or streamname; every other filter is then ignored, while `group`
    /// still sets the item's shape (`playouts` in grouped mode). Empty is no search.
    #[param(inline)]
    q: Option<StreamLookup>,
    /// 1-based, default 1; a page past the end is empty.
    #[param(minimum = 1)]
    page: Option<u64>,
    /// 25 (default), 50, 100 or 150.
    #[param(inline)]
    per_page: Option<PerPage>,
}

/// `state`: a comma list of states or `all`, as [`parse`] reads it (written here without
/// spaces or empty parts, which it skips). (A doc comment on the field would be lost with
/// `schema_with`, so the description is here.)
fn state_list() -> Object {
    let one = std::iter::once("all")
        .chain(StreamState::ALL.iter().map(|s| s.as_str()))
        .collect::<Vec<_>>()
        .join("|");
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(
            "`all` or one or more of created, live, ended, locked, deleted; repeatable or \
             comma-separated (default all = every state but deleted).",
        ))
        .pattern(Some(format!("^({one})(,({one}))*$")))
        .build()
}

/// A parsed listing request.
#[derive(Debug)]
pub struct ListQuery {
    /// `q`: an exact id or name; when given, every other filter is ignored (`filter.grouped`
    /// still sets the item's shape).
    pub search: Option<StreamLookup>,
    pub filter: ListFilter,
    pub page: u64,
    pub per_page: PerPage,
}

/// Parses `raw` (the query string) at time `now` (for date presets).
pub fn parse(raw: &str, now: DateTime<Utc>) -> Result<ListQuery, ApiError> {
    let mut errors: BTreeMap<String, String> = BTreeMap::new();
    let mut states: Vec<StreamState> = Vec::new();
    let mut tags: Vec<Tag> = Vec::new();
    let mut date = None;
    let mut from = None;
    let mut to = None;
    let mut grouped = true;
    let mut search = None;
    let mut page = 1u64;
    let mut per_page = PerPage::default();
    for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
        match key.as_ref() {
            "state" => {
                for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    if part == "all" {
                        states.extend(StreamState::LISTED_BY_DEFAULT);
                    } else {
                        match part.parse::<StreamState>() {
                            Ok(s) => states.push(s),
                            Err(_) => {
                                errors.insert(
                                    "state".into(),
                                    "must be all or one or more of created, live, ended, locked, deleted".into(),
                                );
                            }
                        }
                    }
                }
            }
            "tag" => match Tag::parse(&value) {
                Ok(t) => {
                    if !tags.contains(&t) {
                        tags.push(t);
                    }
                }
                Err(e) => {
                    errors.insert("tag".into(), e);
                }
            },
            "date" => match value.parse::<DatePreset>() {
                Ok(d) => date = Some(d),
                Err(e) => {
                    errors.insert("date".into(), e);
                }
            },
            "from" => match Timestamp::parse(&value) {
                Ok(t) => from = Some(t.millis()),
                Err(e) => {
                    errors.insert("from".into(), e);
                }
            },
            "to" => match Timestamp::parse(&value) {
                Ok(t) => to = Some(t.millis()),
                Err(e) => {
                    errors.insert("to".into(), e);
                }
            },
            "group" => match value.as_ref() {
                "true" => grouped = true,
                "false" => grouped = false,
                _ => {
                    errors.insert("group".into(), "must be true or false".into());
                }
            },
            // An empty `q=` is no search.
            "q" if value.is_empty() => {}
            "q" => match StreamLookup::parse(&value) {
                Ok(l) => search = Some(l),
                Err(e) => {
                    errors.insert("q".into(), e);
                }
            },
            "page" => match value.parse::<u64>() {
                Ok(p) if p >= 1 => page = p,
                _ => {
                    errors.insert("page".into(), "must be a whole number from 1".into());
                }
            },
            "per_page" => match value
                .parse::<u32>()
                .map_err(|_| ())
                .and_then(|n| PerPage::new(n).map_err(|_| ()))
            {
                Ok(p) => per_page = p,
                Err(()) => {
                    errors.insert("per_page".into(), "must be one of 25, 50, 100, 150".into());
                }
            },
            // Unknown parameters (cache busters and the like) are ignored.
            _ => {}
        }
    }
    if let (Some(f), Some(t)) = (from, to) {
        if f >= t && !errors.contains_key("from") && !errors.contains_key("to") {
            errors.insert("from".into(), "must be before to".into());
        }
    }
    // A preset and explicit bounds both apply; when they do not overlap, nothing matches.
    if let Some(preset) = date {
        let (a, b) = preset.range(now);
        from = Some(from.map_or(a.timestamp_millis(), |f: i64| f.max(a.timestamp_millis())));
        to = Some(to.map_or(b.timestamp_millis(), |t: i64| t.min(b.timestamp_millis())));
    }
    if search.is_some() {
        // `q` ignores every other filter, so their values do not matter either.
        for filter in ["state", "tag", "date", "from", "to", "group"] {
            errors.remove(filter);
        }
    }
    if !errors.is_empty() {
        let message = format!(
            "The query string is not valid: {}.",
            errors
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join("; ")
        );
        return Err(ApiError::Validation {
            message,
            fields: errors,
        });
    }
    if states.is_empty() {
        states.extend(StreamState::LISTED_BY_DEFAULT);
    }
    states.sort();
    states.dedup();
    // Pages far past the end are simply empty.
    let offset = (page - 1).saturating_mul(u64::from(per_page.get()));
    Ok(ListQuery {
        search,
        filter: ListFilter {
            states,
            tags,
            from,
            to,
            grouped,
            offset,
            limit: per_page.get(),
        },
        page,
        per_page,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-25T13:45:00Z")
            .expect("valid")
            .with_timezone(&Utc)
    }

    fn fields(raw: &str) -> BTreeMap<String, String> {
        match parse(raw, now()) {
            Err(ApiError::Validation { fields, .. }) => fields,
            other => panic!("expected a validation error for {raw:?}, got {other:?}"),
        }
    }

    #[test]
    fn defaults() {
        let q = parse("", now()).expect("valid");
        assert_eq!(q.filter.states, StreamState::LISTED_BY_DEFAULT.to_vec());
        assert!(q.filter.grouped && q.filter.tags.is_empty() && q.search.is_none());
        assert_eq!(
            (q.page, q.per_page.get(), q.filter.offset, q.filter.limit),
            (1, 25, 0, 25)
        );
    }

    #[test]
    fn states_repeat_and_split() {
        let q = parse("state=live,ended&state=deleted&state=live", now()).expect("valid");
        assert_eq!(
            q.filter.states,
            vec![StreamState::Live, StreamState::Ended, StreamState::Deleted]
        );
        let all = parse("state=all&state=deleted", now()).expect("valid");
        assert_eq!(all.filter.states, StreamState::ALL.to_vec());
        assert!(fields("state=gone").contains_key("state"));
    }

    #[test]
    fn tags_dates_and_pages() {
        let q = parse(
            "tag=a%2Fb&tag=k%3Av&tag=a%2Fb&date=yesterday&group=false&page=3&per_page=50",
            now(),
        )
        .expect("valid");
        let tags: Vec<&str> = q.filter.tags.iter().map(Tag::as_str).collect();
        assert_eq!(tags, vec!["a/b", "k:v"]);
        assert_eq!(
            q.filter
                .from
                .map(|m| Timestamp::from_millis(m).map(|t| t.to_string())),
            Some(Some("2026-11-24T00:00:00.000Z".into()))
        );
        assert_eq!(
            q.filter
                .to
                .map(|m| Timestamp::from_millis(m).map(|t| t.to_string())),
            Some(Some("2026-11-25T00:00:00.000Z".into()))
        );
        assert!(!q.filter.grouped);
        assert_eq!((q.filter.offset, q.filter.limit), (100, 50));
    }

    #[test]
    fn refusals_name_the_parameter() {
        assert_eq!(fields("page=0")["page"], "must be a whole number from 1");
        assert_eq!(fields("page=x")["page"], "must be a whole number from 1");
        assert_eq!(
            fields("page=18446744073709551616")["page"],
            "must be a whole number from 1"
        );
        let far = parse("page=18446744073709551615", now()).expect("valid");
        assert_eq!(far.filter.offset, u64::MAX);
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
    }

    #[test]
    fn a_preset_and_bounds_that_do_not_overlap_match_nothing() {
        let q = parse("date=today&to=2026-11-01T00:00:00Z", now()).expect("valid");
        assert!(q.filter.from >= q.filter.to);
    }

    #[test]
    fn q_ignores_the_other_filters_but_not_paging() {
        let q = parse(
            "q=AbCdE-fGhIj&state=gone&from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z",
            now(),
        )
        .expect("valid");
        assert!(q.search.is_some());
        assert!(fields("q=AbCdE-fGhIj&per_page=7").contains_key("per_page"));
    }

    #[test]
    fn empty_q_is_no_search_and_q_keeps_case() {
        assert!(parse("q=", now()).expect("valid").search.is_none());
        let q = parse("q=AbCdE-fGhIj", now()).expect("valid");
        assert!(matches!(q.search, Some(StreamLookup::Name(n)) if n.as_str() == "AbCdE-fGhIj"));
    }
}
