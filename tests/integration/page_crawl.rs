//! Every link of every page, followed the way a browser follows it (issue 10, item 8): from
//! the home page and the pages README lists, with a browser's cookie jar, logged out and
//! logged in, on the demo configuration as shipped. A link that leads to a 404, a 405 (a
//! link to a form's target) or a server error fails the test, naming the page it was on.

use std::collections::{BTreeSet, VecDeque};

use crate::helpers::{TestApp, client, text_of};
use crate::oidc_support::{JAN, location};

/// Where the crawl starts: the home page and the pages README's tables name.
const SEEDS: &[&str] = &[
    "/",
    "/login?next=/my/session",
    "/my/session",
    "/my/sessions",
    "/my/keys",
    "/enterprises/0474603083",
    "/demo-rp",
    "/demo/outbox",
    "/favicon.ico",
];

/// More pages than the demo has: a crawl this long is a loop.
const MAX_PAGES: usize = 400;

/// Every `href` of a page (decoded), without fragments.
fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|href| text_of(href).split('#').next().unwrap_or_default().to_string())
        .filter(|href| !href.is_empty())
        .collect()
}

/// A link as a path on the app's origin; `None` for another origin (the eID listener, the
/// mocks, an application).
fn same_origin(app: &TestApp, href: &str) -> Option<String> {
    if href.starts_with('/') && !href.starts_with("//") {
        return Some(href.to_string());
    }
    href.strip_prefix(&app.address).filter(|rest| rest.starts_with('/')).map(str::to_string)
}

/// Crawls from the seeds with `browser`; returns the broken links as "page → link: status".
async fn crawl(app: &TestApp, browser: &reqwest::Client) -> (Vec<String>, usize) {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<(String, String)> =
        SEEDS.iter().map(|s| ((*s).to_string(), "(seed)".to_string())).collect();
    let mut broken = Vec::new();
    while let Some((path, from)) = queue.pop_front() {
        if !seen.insert(path.clone()) {
            continue;
        }
        assert!(seen.len() <= MAX_PAGES, "the crawl does not end: {seen:?}");
        let resp = browser.get(app.url(&path)).header("accept-language", "en").send().await.expect("GET");
        let status = resp.status().as_u16();
        if status == 404 || status == 405 || status >= 500 {
            broken.push(format!("{from} → {path}: {status}"));
            continue;
        }
        if resp.status().is_redirection() {
            if let Some(next) = same_origin(app, &location(&resp)) {
                queue.push_back((next, path.clone()));
            }
            continue;
        }
        let is_html = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        if !is_html {
            continue;
        }
        let body = resp.text().await.expect("body");
        for href in links(&body) {
            if let Some(next) = same_origin(app, &href) {
                queue.push_back((next, path.clone()));
            }
        }
    }
    (broken, seen.len())
}

async fn demo_app() -> TestApp {
    TestApp::spawn_demo(|s| s.demo.is_test_login_enabled = true).await
}

#[tokio::test]
async fn every_link_of_every_page_leads_somewhere_for_a_visitor() {
    let app = demo_app().await;
    let (broken, pages) = crawl(&app, &client()).await;
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    assert!(pages > 20, "the crawl reached only {pages} pages");
}

#[tokio::test]
async fn every_link_of_every_page_leads_somewhere_for_a_logged_in_person() {
    let app = demo_app().await;
    let tx = app.start_portal_login("/my/session").await;
    assert_eq!(app.test_login(&tx, JAN, 500).await.status(), 303);
    assert!(app.me().await.is_some(), "logged in");
    let (broken, pages) = crawl(&app, &app.client).await;
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    assert!(pages > 20, "the crawl reached only {pages} pages");
}

#[tokio::test]
async fn the_home_page_shows_only_cards_that_are_links() {
    let app = demo_app().await;
    let html = app.get_lang("/", "en").await.text().await.expect("home");
    let cards: Vec<&str> = html.split("<article class=\"card\">").skip(1).collect();
    assert!(!cards.is_empty());
    for card in cards {
        let card = card.split("</article>").next().unwrap_or_default();
        assert!(card.contains("<a href=\"/"), "a card without a link: {card}");
    }
    assert!(html.contains("href=\"/btb\""), "access management (BTB) has its card now that it exists");
    assert!(!html.contains("Mandates"), "no card for mandates before they exist");
}

#[tokio::test]
async fn the_favicon_is_an_icon() {
    let app = demo_app().await;
    let resp = app.get("/favicon.ico").await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "image/x-icon");
    let bytes = resp.bytes().await.expect("body");
    assert_eq!(&bytes[..4], &[0, 0, 1, 0], "an ICO header");
}
