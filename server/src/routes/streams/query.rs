//! The query string of `GET /streams`: read as shared's [`ListParams`] (which also
//! describes it to the OpenAPI document) and mapped to the store's filter.

use crate::error::ApiError;
use crate::store::ListFilter;
use chrono::{DateTime, Utc};
use shared::error::FieldErrors;
use shared::listing::ListParams;

/// Reads `raw` (the query string) strictly; the refusals as one validation error.
pub fn params(raw: &str) -> Result<ListParams, ApiError> {
    let pairs: Vec<_> = form_urlencoded::parse(raw.as_bytes()).collect();
    ListParams::parse(&pairs).map_err(refused)
}

/// 422 naming every refused parameter: "The query string is not valid: k v; k v."
fn refused(fields: FieldErrors) -> ApiError {
    let message = format!(
        "The query string is not valid: {}.",
        fields
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join("; ")
    );
    ApiError::Validation { message, fields }
}

/// The store filter of `params` at time `now` (for the date preset). Without states, every
/// state but deleted; a preset and explicit bounds both apply (when they do not overlap,
/// nothing matches); a page far past the end is simply empty.
pub fn filter(params: &ListParams, now: DateTime<Utc>) -> ListFilter {
    let mut from = params.from.map(|t| t.millis());
    let mut to = params.to.map(|t| t.millis());
    if let Some(preset) = params.date {
        let (a, b) = preset.range(now);
        from = Some(from.map_or(a.timestamp_millis(), |f| f.max(a.timestamp_millis())));
        to = Some(to.map_or(b.timestamp_millis(), |t| t.min(b.timestamp_millis())));
    }
    let limit = params.per_page.get();
    ListFilter {
        states: params.listed_states(),
        tags: params.tags.clone(),
        from,
        to,
        grouped: params.grouped,
        offset: (params.page - 1).saturating_mul(u64::from(limit)),
        limit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::stream::StreamState;
    use shared::Timestamp;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-25T13:45:00Z")
            .expect("valid")
            .with_timezone(&Utc)
    }

    /// The filter of a valid query string.
    fn filter_of(raw: &str) -> ListFilter {
        filter(&params(raw).expect("valid"), now())
    }

    #[test]
    fn defaults() {
        let f = filter_of("");
        assert_eq!(f.states, StreamState::LISTED_BY_DEFAULT.to_vec());
        assert!(f.grouped && f.tags.is_empty());
        assert_eq!((f.from, f.to, f.offset, f.limit), (None, None, 0, 25));
    }

    #[test]
    fn states_are_passed_as_wanted() {
        assert_eq!(
            filter_of("state=live,ended&state=deleted&state=live").states,
            vec![StreamState::Live, StreamState::Ended, StreamState::Deleted]
        );
        assert_eq!(
            filter_of("state=all&state=deleted").states,
            StreamState::ALL.to_vec()
        );
    }

    #[test]
    fn tags_dates_and_pages() {
        let f = filter_of(
            "tag=a%2Fb&tag=k%3Av&tag=a%2Fb&date=yesterday&group=false&page=3&per_page=50",
        );
        let tags: Vec<&str> = f.tags.iter().map(|t| t.as_str()).collect();
        assert_eq!(tags, vec!["a/b", "k:v"]);
        assert_eq!(
            f.from
                .map(|m| Timestamp::from_millis(m).map(|t| t.to_string())),
            Some(Some("2026-11-24T00:00:00.000Z".into()))
        );
        assert_eq!(
            f.to.map(|m| Timestamp::from_millis(m).map(|t| t.to_string())),
            Some(Some("2026-11-25T00:00:00.000Z".into()))
        );
        assert!(!f.grouped);
        assert_eq!((f.offset, f.limit), (100, 50));
    }

    #[test]
    fn a_page_far_past_the_end_saturates() {
        assert_eq!(filter_of("page=18446744073709551615").offset, u64::MAX);
    }

    #[test]
    fn bounds_pass_and_narrow_a_preset() {
        let f = filter_of("from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z");
        assert_eq!(
            (f.from, f.to),
            (Some(1_793_491_200_000), Some(1_793_577_600_000))
        );
        let narrowed = filter_of("date=this_month&from=2026-11-20T00:00:00Z");
        assert_eq!(narrowed.from, Some(1_795_132_800_000));
        assert_eq!(
            narrowed
                .to
                .map(|m| Timestamp::from_millis(m).map(|t| t.to_string())),
            Some(Some("2026-11-26T00:00:00.000Z".into()))
        );
    }

    #[test]
    fn a_preset_and_bounds_that_do_not_overlap_match_nothing() {
        let f = filter_of("date=today&to=2026-11-01T00:00:00Z");
        assert!(f.from >= f.to);
    }

    #[test]
    fn refusals_are_one_validation_error_naming_each_parameter() {
        match params("page=0&per_page=7&other=x") {
            Err(ApiError::Validation { message, fields }) => {
                assert_eq!(
                    message,
                    "The query string is not valid: page must be a whole number from 1; \
                     per_page must be one of 25, 50, 100, 150."
                );
                assert_eq!(fields.len(), 2);
                assert_eq!(fields["page"], "must be a whole number from 1");
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }
}
