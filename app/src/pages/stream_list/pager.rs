//! Pagination of the stream list (L3): the "1–25 of 312 streams" summary, the page-size
//! select and the previous / page numbers / next navigation. Pages are links to the
//! list's own URL, so they can be opened in a new tab like any other view.

use crate::paths;
use leptos::prelude::*;

use crate::components::form_field::SelectBox;
use shared::listing::ListParams;
use shared::stream::PerPage;

/// One slot of the page navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageItem {
    Page(u64),
    /// Pages left out ("…").
    Gap,
}

/// "1–25 of 312 streams": which rows of how many this page shows. `shown` is the
/// number of rows the page holds (fewer on the last page, none past the end).
pub fn range_summary(page: u64, per_page: u32, total: u64, shown: usize) -> String {
    let noun = if total == 1 { "stream" } else { "streams" };
    if total == 0 {
        return "No streams".to_string();
    }
    if shown == 0 {
        return format!("Page {page}: no rows ({total} {noun} in all)");
    }
    let first = (page - 1) * u64::from(per_page) + 1;
    let last = first + shown as u64 - 1;
    format!("{first}\u{2013}{last} of {total} {noun}")
}

/// The page numbers to offer: the first and last page, the current one with its
/// neighbours, and gaps for the rest. Near either end five pages show in a row, and a
/// gap never stands for a single page (that page is shown instead).
pub fn page_items(current: u64, count: u64) -> Vec<PageItem> {
    let count = count.max(1);
    let current = current.clamp(1, count);
    let mut pages: Vec<u64> = vec![1, count, current.saturating_sub(1), current, current + 1];
    if current <= 4 {
        pages.extend(1..=5);
    }
    if current + 3 >= count {
        pages.extend(count.saturating_sub(4)..=count);
    }
    pages.retain(|p| (1..=count).contains(p));
    pages.sort_unstable();
    pages.dedup();

    let mut items = Vec::with_capacity(pages.len() + 2);
    let mut previous: Option<u64> = None;
    for page in pages {
        match previous {
            Some(p) if page == p + 2 => items.push(PageItem::Page(p + 1)),
            Some(p) if page > p + 2 => items.push(PageItem::Gap),
            _ => {}
        }
        items.push(PageItem::Page(page));
        previous = Some(page);
    }
    items
}

/// `params` at another page size, back on page 1.
pub fn with_per_page(params: &ListParams, per_page: PerPage) -> ListParams {
    ListParams {
        per_page,
        page: 1,
        ..params.clone()
    }
}

/// `params` on `page`.
pub fn on_page(params: &ListParams, page: u64) -> ListParams {
    ListParams {
        page,
        ..params.clone()
    }
}

/// The rows-per-page select; a change goes back to page 1.
#[component]
pub fn PerPageSelect(params: Memo<ListParams>, go: Callback<ListParams>) -> impl IntoView {
    let on_change = move |ev: leptos::ev::Event| {
        let chosen = event_target_value(&ev)
            .parse::<u32>()
            .ok()
            .and_then(|n| PerPage::new(n).ok());
        if let Some(per_page) = chosen {
            go.run(with_per_page(&params.get_untracked(), per_page));
        }
    };
    view! {
        <div class="per-page">
            <label class="per-page-label" for="per-page">
                "Rows per page"
            </label>
            <SelectBox>
            <select
                id="per-page"
                class="field-input per-page-select"
                data-testid="per-page"
                on:change=on_change
            >
                {PerPage::ALLOWED
                    .into_iter()
                    .map(|n| {
                        view! {
                            <option
                                value=n.to_string()
                                prop:selected=move || params.with(|p| p.per_page.get() == n)
                            >
                                {n.to_string()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            </SelectBox>
        </div>
    }
}

/// Previous, page numbers, next. `params` is the view in the URL (links keep its
/// filters); `total` is the count of the last loaded answer. Nothing when one page holds all.
#[component]
pub fn Pager(params: Memo<ListParams>, #[prop(into)] total: Signal<Option<u64>>) -> impl IntoView {
    move || {
        let total = total.get()?;
        let params = params.get();
        let count = params.page_count(total);
        if count <= 1 {
            return None;
        }
        let current = params.page.min(count);
        let step = |target: u64,
                    enabled: bool,
                    label: &'static str,
                    text: &'static str,
                    testid: &'static str| {
            if enabled {
                view! {
                    <a
                        class="pager-link pager-step"
                        href=paths::streams_with(&on_page(&params, target))
                        aria-label=label
                        data-testid=testid
                    >
                        {text}
                    </a>
                }
                .into_any()
            } else {
                view! {
                    <span class="pager-link pager-step pager-disabled" aria-disabled="true" data-testid=testid>
                        {text}
                    </span>
                }
                .into_any()
            }
        };
        let numbers = page_items(current, count)
            .into_iter()
            .map(|item| match item {
                PageItem::Gap => view! {
                    <li class="pager-gap" aria-hidden="true">
                        "…"
                    </li>
                }
                .into_any(),
                PageItem::Page(n) => view! {
                    <li>
                        <a
                            class="pager-link"
                            href=paths::streams_with(&on_page(&params, n))
                            aria-label=format!("Page {n}")
                            aria-current=(n == current).then_some("page")
                            data-testid="page-link"
                        >
                            {n.to_string()}
                        </a>
                    </li>
                }
                .into_any(),
            })
            .collect_view();
        Some(view! {
            <nav class="pager" aria-label="Pages" data-testid="pager">
                {step(current - 1, current > 1, "Previous page", "‹ Previous", "page-prev")}
                <ul class="pager-pages">{numbers}</ul>
                {step(current + 1, current < count, "Next page", "Next ›", "page-next")}
            </nav>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PageItem::{Gap, Page};

    #[test]
    fn the_summary_counts_the_rows_shown() {
        assert_eq!(range_summary(1, 25, 312, 25), "1–25 of 312 streams");
        assert_eq!(range_summary(2, 25, 30, 5), "26–30 of 30 streams");
        assert_eq!(range_summary(1, 50, 30, 30), "1–30 of 30 streams");
        assert_eq!(range_summary(1, 25, 1, 1), "1–1 of 1 stream");
        assert_eq!(range_summary(1, 25, 0, 0), "No streams");
        assert_eq!(
            range_summary(9, 25, 30, 0),
            "Page 9: no rows (30 streams in all)"
        );
    }

    #[test]
    fn few_pages_are_all_listed() {
        assert_eq!(page_items(1, 1), vec![Page(1)]);
        assert_eq!(page_items(2, 2), vec![Page(1), Page(2)]);
        assert_eq!(
            page_items(4, 7),
            vec![
                Page(1),
                Page(2),
                Page(3),
                Page(4),
                Page(5),
                Page(6),
                Page(7)
            ]
        );
    }

    #[test]
    fn many_pages_collapse_into_gaps() {
        assert_eq!(
            page_items(1, 13),
            vec![Page(1), Page(2), Page(3), Page(4), Page(5), Gap, Page(13)]
        );
        assert_eq!(
            page_items(7, 13),
            vec![Page(1), Gap, Page(6), Page(7), Page(8), Gap, Page(13)]
        );
        assert_eq!(
            page_items(13, 13),
            vec![
                Page(1),
                Gap,
                Page(9),
                Page(10),
                Page(11),
                Page(12),
                Page(13)
            ]
        );
        assert_eq!(
            page_items(5, 13),
            vec![Page(1), Gap, Page(4), Page(5), Page(6), Gap, Page(13)]
        );
        // Near an end, five pages in a row: a gap never hides a single page.
        assert_eq!(
            page_items(4, 8),
            vec![Page(1), Page(2), Page(3), Page(4), Page(5), Gap, Page(8)]
        );
        assert_eq!(
            page_items(5, 8),
            vec![Page(1), Gap, Page(4), Page(5), Page(6), Page(7), Page(8)]
        );
        // Out of range pages are clamped.
        assert_eq!(page_items(40, 3), vec![Page(1), Page(2), Page(3)]);
    }

    #[test]
    fn page_size_changes_go_back_to_page_one() {
        let params = ListParams {
            page: 3,
            ..ListParams::default()
        };
        let changed = with_per_page(&params, PerPage::new(50).expect("allowed"));
        assert_eq!(changed.to_query(), "per_page=50");
        assert_eq!(on_page(&changed, 2).to_query(), "page=2&per_page=50");
    }
}
