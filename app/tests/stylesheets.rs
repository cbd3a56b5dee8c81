//! The stylesheets parse as written: every block is closed where it is meant to be. A
//! rule left open swallows every rule after it (browsers read the rest as nested in it,
//! so a media query's leftovers apply only at its widths), which no compiler reports.

use std::path::Path;

/// `text` without its comments.
fn uncommented(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start + 2..]
            .find("*/")
            .map_or("", |end| &rest[start + 2 + end + 2..]);
    }
    out.push_str(rest);
    out
}

/// The deepest nesting of `css` and where it ends (0 when every block is closed), or the
/// line where a `}` closes nothing.
fn depth(css: &str) -> Result<(usize, usize), usize> {
    let (mut now, mut deepest) = (0usize, 0usize);
    for (i, line) in css.lines().enumerate() {
        for c in line.chars() {
            match c {
                '{' => {
                    now += 1;
                    deepest = deepest.max(now);
                }
                '}' => now = now.checked_sub(1).ok_or(i + 1)?,
                _ => {}
            }
        }
    }
    Ok((deepest, now))
}

#[test]
fn every_block_of_every_stylesheet_is_closed_and_none_nests_deeper_than_a_media_query() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../style");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("the style folder") {
        let path = entry.expect("an entry").path();
        if path.extension().is_none_or(|e| e != "css") {
            continue;
        }
        let css = uncommented(&std::fs::read_to_string(&path).expect("a stylesheet"));
        // A rule inside a media query is two deep; nothing here nests further.
        assert_eq!(
            depth(&css).map(|(deepest, end)| (deepest <= 2, end)),
            Ok((true, 0)),
            "{}",
            path.display()
        );
        checked += 1;
    }
    assert!(
        checked >= 9,
        "only {checked} stylesheets found in {}",
        dir.display()
    );
}

#[test]
fn an_unclosed_rule_or_a_stray_brace_is_caught() {
    let open = ".a {\n  color: red;\n/* a note */\n.b {\n  color: blue;\n}\n";
    assert_eq!(depth(&uncommented(open)), Ok((2, 1)));
    assert_eq!(depth(".a { }\n}\n"), Err(2));
    assert_eq!(depth("@media (x) {\n  .a { }\n}\n"), Ok((2, 0)));
    assert_eq!(uncommented("a /* { */ b"), "a  b");
}
