//! Main text out of an HTML page: the article's headline and paragraphs,
//! without navigation, sidebars, "related" blocks, share widgets, scripts
//! or comment sections. One paragraph per output line, so the rest of the
//! pipeline treats it like plain text.

use chrono::NaiveDate;
use scraper::{ElementRef, Html, Node, Selector};

#[derive(Debug, Default)]
pub struct Page {
    pub text: String,
    pub title: Option<String>,
    pub date: Option<NaiveDate>,
}

/// Elements whose content is never main text.
const SKIP_TAGS: &[&str] = &[
    "script", "style", "noscript", "nav", "footer", "aside", "form", "button", "iframe", "svg", "select", "template",
    "object", "embed", "canvas", "menu", "dialog", "input", "textarea", "label",
];

/// Class, id or role words that mark boilerplate.
const SKIP_MARKS: &[&str] = &[
    "nav", "navbar", "navigation", "menu", "sidebar", "footer", "share", "sharing", "social", "related", "comment",
    "comments", "cookie", "cookies", "banner", "advert", "advertisement", "ad", "ads", "promo", "newsletter",
    "subscribe", "breadcrumb", "breadcrumbs", "widget", "popup", "modal", "recommended", "recommendations", "trending",
    "tags", "tagcloud", "byline-share", "toolbar", "masthead", "signup", "login", "complementary", "contentinfo",
    "pagination", "more-stories", "read-more", "readmore", "outbrain", "taboola", "disqus",
];

const BLOCK_TAGS: &[&str] = &[
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "div", "td", "th", "article", "section",
    "main", "dd", "dt", "figcaption", "address", "tr", "table", "ul", "ol", "header", "body",
];

fn is_marked(el: &ElementRef<'_>) -> bool {
    let v = el.value();
    let mut words = Vec::new();
    for attr in ["class", "id", "role"] {
        if let Some(a) = v.attr(attr) {
            words.extend(a.split(|c: char| c.is_whitespace() || c == '-' || c == '_').map(|w| w.to_ascii_lowercase()));
            // Whole attribute values with dashes: "read-more", "more-stories".
            words.extend(a.split_whitespace().map(|w| w.to_ascii_lowercase()));
        }
    }
    words.iter().any(|w| SKIP_MARKS.contains(&w.as_str()))
}

struct Walker {
    blocks: Vec<String>,
    current: String,
    link_chars: usize,
    in_link: usize,
}

impl Walker {
    fn flush(&mut self) {
        let text: String = self.current.split_whitespace().collect::<Vec<_>>().join(" ");
        let total = text.chars().count();
        // Link lists ("Home | World | Business") are navigation.
        let linky = total > 0 && self.link_chars * 10 > total * 7 && total < 400;
        if !text.is_empty() && !linky {
            self.blocks.push(text);
        }
        self.current.clear();
        self.link_chars = 0;
    }

    fn walk(&mut self, el: ElementRef<'_>) {
        let name = el.value().name();
        if SKIP_TAGS.contains(&name)
            || is_marked(&el)
            || el.value().attr("hidden").is_some()
            || el.value().attr("aria-hidden") == Some("true")
        {
            return;
        }
        if name == "header" && el.children().filter_map(ElementRef::wrap).any(|c| c.value().name() == "nav") {
            return; // a page header with its menu
        }
        let block = BLOCK_TAGS.contains(&name);
        if block {
            self.flush();
        }
        let link = name == "a";
        if link {
            self.in_link += 1;
        }
        for child in el.children() {
            match child.value() {
                Node::Text(t) => {
                    if self.in_link > 0 {
                        self.link_chars += t.trim().chars().count();
                    }
                    self.current.push_str(t);
                }
                Node::Element(e) if e.name() == "br" => {
                    self.flush();
                }
                Node::Element(_) => {
                    if let Some(c) = ElementRef::wrap(child) {
                        self.walk(c);
                    }
                }
                _ => {}
            }
        }
        if link {
            self.in_link -= 1;
        }
        if block {
            self.flush();
        }
    }
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("static selector")
}

pub fn extract(html: &str) -> Page {
    let doc = Html::parse_document(html);
    let mut page = Page::default();
    let meta_content =
        |q: &str| doc.select(&sel(q)).next().and_then(|e| e.value().attr("content")).map(|s| s.trim().to_string());
    page.title = meta_content("meta[property='og:title']")
        .or_else(|| doc.select(&sel("title")).next().map(|t| t.text().collect::<String>().trim().to_string()))
        .filter(|t| !t.is_empty());
    page.date = meta_content("meta[property='article:published_time']")
        .or_else(|| meta_content("meta[name='date']"))
        .or_else(|| {
            doc.select(&sel("time[datetime]")).next().and_then(|e| e.value().attr("datetime")).map(str::to_string)
        })
        .and_then(|d| crate::ingest::parse_given_date(&d));
    // The article if the page marks one, else the body.
    let root = ["article", "main", "[role='main']", "body"].iter().find_map(|q| doc.select(&sel(q)).next());
    let mut w = Walker { blocks: Vec::new(), current: String::new(), link_chars: 0, in_link: 0 };
    // A headline outside the article element still leads the text.
    if let Some(h1) = doc.select(&sel("h1")).next() {
        if root.is_some_and(|r| !r.descendants().any(|d| d.id() == h1.id())) {
            w.walk(h1);
        }
    }
    match root {
        Some(r) => w.walk(r),
        None => {
            w.current.push_str(&doc.root_element().text().collect::<String>());
        }
    }
    w.flush();
    page.text = w.blocks.join("\n");
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_article_drops_chrome() {
        let html = r#"<!doctype html><html><head><title>Talks in Moscow</title>
<meta property="article:published_time" content="2019-01-14T10:00:00Z"></head>
<body><header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<div class="share-buttons"><a>Tweet</a> <a>Share on Facebook</a></div>
<article><h1>Russia and Japan hold talks</h1>
<p>MOSCOW, Jan. 14 (Reuters) - Russia&#8217;s foreign minister held talks with his Japanese counterpart.</p>
<p>The two sides <b>agreed</b> to continue contacts.</p>
<script>var x = "Russia attacked Japan";</script>
<aside class="related"><ul><li><a>Japan protests</a></li></ul></aside></article>
<div id="comments"><p>Russia bombed everyone, says a commenter.</p></div>
<footer>Copyright</footer></body></html>"#;
        let p = extract(html);
        assert_eq!(
            p.text,
            "Russia and Japan hold talks\nMOSCOW, Jan. 14 (Reuters) - Russia\u{2019}s foreign minister held talks with his Japanese counterpart.\nThe two sides agreed to continue contacts."
        );
        assert_eq!(p.title.as_deref(), Some("Talks in Moscow"));
        assert_eq!(p.date, NaiveDate::from_ymd_opt(2019, 1, 14));
    }

    #[test]
    fn pages_without_structure_still_give_text() {
        assert_eq!(extract("<p>Japan protested.</p><p>Russia replied.").text, "Japan protested.\nRussia replied.");
        assert_eq!(extract("just text").text, "just text");
        assert_eq!(extract("").text, "");
    }
}
