//! The static parts of a stream row written as markup, one string per cell: the name
//! (and thumbnail), the ids with their copy buttons, the group badge or role, the tags.
//!
//! A row drawn element by element passes every element name, attribute and text from
//! the wasm module to the DOM one at a time; these cells never change while the row is
//! on screen (a change gives the row a new key, [`super::table`]), so each goes over in
//! one string and the browser's parser builds it. What changes in place (the state
//! badge, the health, the relative time, a group's expand button) stays reactive.
//!
//! Every text and attribute value from the stream is escaped; links are ordinary
//! anchors, which the router follows without a reload like any other.

use crate::components::badge::{group_badge_class, group_label};
use crate::components::icon::IconName;
use crate::format;
use crate::paths;
use shared::model::AssetRef;
use shared::snippet::escape_html;
use shared::stream::Tags;
use std::fmt::Write;
use uuid::Uuid;

/// The name cell's contents: the latest thumbnail, when there is one, and the link to
/// the stream's page.
pub fn name(id: Uuid, name: &str, thumbnail: Option<&AssetRef>, testid: &str) -> String {
    let name = escape_html(name);
    let mut html = String::with_capacity(256);
    if let Some(thumbnail) = thumbnail {
        let _ = write!(
            html,
            r#"<img class="row-thumbnail" src="{}" alt="Latest thumbnail of {name}" loading="lazy" width="64" height="36" data-testid="row-thumbnail">"#,
            escape_html(&crate::api::thumbnail_src(thumbnail)),
        );
    }
    let _ = write!(
        html,
        r#"<a class="stream-link" href="{}" data-testid="{testid}">{name}</a>"#,
        escape_html(&paths::stream_path(id)),
    );
    html
}

/// An id as lists show it: its first eight characters and a button that copies the
/// whole id (the list's one click handler copies it:
/// [`crate::components::copy_button::copy_clicked_id`]).
pub fn short_id(id: Uuid, what: &str, testid: &str) -> String {
    let short = format::short_id(id);
    format!(
        r#"<span class="short-id" data-testid="{testid}"><code class="mono">{short}</code><button type="button" class="copy-id" data-copy="{id}" aria-label="Copy {what} {short}…">{}{}</button></span>"#,
        IconName::Copy.svg(),
        IconName::Check.svg(),
    )
}

/// The group badge of a stream with `playouts` members.
pub fn group_badge(playouts: usize) -> String {
    format!(
        r#"<span class="{}" data-testid="group-badge">{}</span>"#,
        group_badge_class(playouts),
        group_label(playouts),
    )
}

/// A member's place in its group, after its group's id (individual mode).
pub fn group_role(streamgroup_id: Uuid, role: &str, detail: &str) -> String {
    format!(
        r#"{}<span class="hint group-role">{} · {}</span>"#,
        short_id(streamgroup_id, "group id", "group-id"),
        escape_html(role),
        escape_html(detail),
    )
}

/// The tags, each a link to the list filtered by it, or "No tags".
pub fn tag_chips(tags: &Tags) -> String {
    if tags.is_empty() {
        return r#"<span class="muted no-tags">No tags</span>"#.to_string();
    }
    let mut html = String::from(r#"<ul class="chips row-tags" aria-label="Tags">"#);
    for tag in tags.iter() {
        let _ = write!(
            html,
            r#"<li class="chip chip-linked"><a class="chip-link" href="{}" data-testid="tag-link">{}</a></li>"#,
            escape_html(&paths::streams_tagged(tag)),
            escape_html(tag.as_str()),
        );
    }
    html.push_str("</ul>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::Timestamp;

    fn id() -> Uuid {
        Uuid::parse_str("3f2a9c1b-0d4e-4f67-8a9b-0c1d2e3f4a5b").expect("valid")
    }

    #[test]
    fn the_name_links_to_the_stream_and_shows_the_thumbnail_when_there_is_one() {
        assert_eq!(
            name(id(), "studio-a", None, "stream-name"),
            r#"<a class="stream-link" href="/streams/3f2a9c1b-0d4e-4f67-8a9b-0c1d2e3f4a5b" data-testid="stream-name">studio-a</a>"#
        );
        let thumbnail = AssetRef {
            url: "/media/thumbs/a.jpg?size=s".to_string(),
            updated_at: Timestamp::parse("2026-12-01T12:00:00Z").expect("valid"),
        };
        let html = name(id(), "studio-a", Some(&thumbnail), "member-name");
        assert_eq!(
            html,
            r#"<img class="row-thumbnail" src="/media/thumbs/a.jpg?size=s&amp;v=1796126400000" alt="Latest thumbnail of studio-a" loading="lazy" width="64" height="36" data-testid="row-thumbnail"><a class="stream-link" href="/streams/3f2a9c1b-0d4e-4f67-8a9b-0c1d2e3f4a5b" data-testid="member-name">studio-a</a>"#
        );
    }

    #[test]
    fn text_from_the_stream_is_escaped_everywhere_it_goes() {
        let hostile = r#"<script>x</script>" onload="y"#;
        let html = name(id(), hostile, None, "stream-name");
        assert!(
            !html.contains("<script>") && !html.contains(r#"" onload"#),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt;&quot; onload=&quot;y"));
        let role = group_role(id(), "Transcode 1", "<b>&</b>");
        assert!(
            role.ends_with(
                r#"<span class="hint group-role">Transcode 1 · &lt;b&gt;&amp;&lt;/b&gt;</span>"#
            ),
            "{role}"
        );
    }

    #[test]
    fn a_short_id_copies_the_whole_id_with_both_icons() {
        assert_eq!(
            short_id(id(), "stream id", "stream-id"),
            format!(
                r#"<span class="short-id" data-testid="stream-id"><code class="mono">3f2a9c1b</code><button type="button" class="copy-id" data-copy="3f2a9c1b-0d4e-4f67-8a9b-0c1d2e3f4a5b" aria-label="Copy stream id 3f2a9c1b…">{}{}</button></span>"#,
                IconName::Copy.svg(),
                IconName::Check.svg()
            )
        );
    }

    #[test]
    fn group_badges_name_single_streams_and_groups() {
        assert_eq!(
            group_badge(1),
            r#"<span class="badge badge-group" data-testid="group-badge">Single Stream</span>"#
        );
        assert_eq!(
            group_badge(3),
            r#"<span class="badge badge-group badge-group-abr" data-testid="group-badge">Streamgroup (3 Playouts)</span>"#
        );
    }

    #[test]
    fn tags_link_to_the_list_filtered_by_each() {
        assert_eq!(
            tag_chips(&Tags::default()),
            r#"<span class="muted no-tags">No tags</span>"#
        );
        let tags = Tags::parse(&["sport", "region:eu"]).expect("valid");
        assert_eq!(
            tag_chips(&tags),
            concat!(
                r#"<ul class="chips row-tags" aria-label="Tags">"#,
                r#"<li class="chip chip-linked"><a class="chip-link" href="/streams?tag=sport" data-testid="tag-link">sport</a></li>"#,
                r#"<li class="chip chip-linked"><a class="chip-link" href="/streams?tag=region%3Aeu" data-testid="tag-link">region:eu</a></li>"#,
                "</ul>"
            )
        );
    }
}
