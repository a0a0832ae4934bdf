//! Rendering HTML pages with tera.
//!
//! Templates are embedded in the binary at build time, so `quire` runs from any directory.

use serde::Serialize;
use tera::{Context, Tera};

use super::chrome::Chrome;
use crate::site::Site;

/// The templates, in an order where every parent precedes its children.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../../../templates/base.html")),
    (
        "partials/header.html",
        include_str!("../../../../templates/partials/header.html"),
    ),
    (
        "partials/footer.html",
        include_str!("../../../../templates/partials/footer.html"),
    ),
    (
        "partials/post_list.html",
        include_str!("../../../../templates/partials/post_list.html"),
    ),
    (
        "partials/author_card.html",
        include_str!("../../../../templates/partials/author_card.html"),
    ),
    (
        "partials/post_editor_links.html",
        include_str!("../../../../templates/partials/post_editor_links.html"),
    ),
    ("home.html", include_str!("../../../../templates/home.html")),
    (
        "api_docs.html",
        include_str!("../../../../templates/api_docs.html"),
    ),
    (
        "author.html",
        include_str!("../../../../templates/author.html"),
    ),
    (
        "editor.html",
        include_str!("../../../../templates/editor.html"),
    ),
    (
        "delete.html",
        include_str!("../../../../templates/delete.html"),
    ),
    (
        "revisions.html",
        include_str!("../../../../templates/revisions.html"),
    ),
    (
        "dashboard.html",
        include_str!("../../../../templates/dashboard.html"),
    ),
    (
        "settings.html",
        include_str!("../../../../templates/settings.html"),
    ),
    (
        "following.html",
        include_str!("../../../../templates/following.html"),
    ),
    (
        "signup.html",
        include_str!("../../../../templates/signup.html"),
    ),
    (
        "login.html",
        include_str!("../../../../templates/login.html"),
    ),
    (
        "partials/comments.html",
        include_str!("../../../../templates/partials/comments.html"),
    ),
    (
        "partials/comment_form.html",
        include_str!("../../../../templates/partials/comment_form.html"),
    ),
    (
        "partials/moderation_buttons.html",
        include_str!("../../../../templates/partials/moderation_buttons.html"),
    ),
    ("post.html", include_str!("../../../../templates/post.html")),
    (
        "comment_edit.html",
        include_str!("../../../../templates/comment_edit.html"),
    ),
    (
        "comment_delete.html",
        include_str!("../../../../templates/comment_delete.html"),
    ),
    (
        "moderation.html",
        include_str!("../../../../templates/moderation.html"),
    ),
    ("tag.html", include_str!("../../../../templates/tag.html")),
    (
        "search.html",
        include_str!("../../../../templates/search.html"),
    ),
    (
        "archive.html",
        include_str!("../../../../templates/archive.html"),
    ),
    (
        "feeds/atom.xml",
        include_str!("../../../../templates/feeds/atom.xml"),
    ),
    (
        "feeds/rss.xml",
        include_str!("../../../../templates/feeds/rss.xml"),
    ),
    (
        "sitemap.xml",
        include_str!("../../../../templates/sitemap.xml"),
    ),
    (
        "error.html",
        include_str!("../../../../templates/error.html"),
    ),
    (
        "admin/overview.html",
        include_str!("../../../../templates/admin/overview.html"),
    ),
    (
        "admin/users.html",
        include_str!("../../../../templates/admin/users.html"),
    ),
    (
        "admin/delete_user.html",
        include_str!("../../../../templates/admin/delete_user.html"),
    ),
    (
        "admin/settings.html",
        include_str!("../../../../templates/admin/settings.html"),
    ),
];

/// Site-wide values every page shows, from the current site settings.
#[derive(Debug, Clone, Serialize)]
struct SiteInfo<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
}

/// URLs of the stylesheets every page links.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AssetUrls {
    /// The site's stylesheet.
    pub(crate) stylesheet: String,
    /// Colours for highlighted code.
    pub(crate) highlight: String,
    /// The editor's live preview.
    pub(crate) editor_js: String,
}

/// The template engine plus the data every page needs.
pub(crate) struct Pages {
    tera: Tera,
    site: Site,
    assets: AssetUrls,
}

/// A template failed to render: a bug in a template or its context, never the reader's fault.
#[derive(Debug, thiserror::Error)]
#[error("template {template} failed to render: {source}")]
pub(crate) struct RenderError {
    template: &'static str,
    source: tera::Error,
}

impl Pages {
    /// Parses the embedded templates. Fails at start-up if one is broken.
    pub(crate) fn new(site: Site, assets: AssetUrls) -> Result<Self, tera::Error> {
        let mut tera = Tera::new();
        tera.add_raw_templates(TEMPLATES.iter().copied())?;
        Ok(Self { tera, site, assets })
    }

    /// The site's title.
    pub(crate) fn site_title(&self) -> String {
        self.site.current().title.clone()
    }

    /// The site's absolute base URL, without trailing slash.
    pub(crate) fn base_url(&self) -> String {
        self.site.current().base_url.clone()
    }

    /// Whether cookies must be `Secure` (the site is served over https).
    pub(crate) fn secure_cookies(&self) -> bool {
        self.site.current().base_url.starts_with("https://")
    }

    /// Renders `template` with the site data, the request's `chrome` (viewer and CSRF token)
    /// and `fill` adding the page's own values.
    pub(crate) fn render(
        &self,
        chrome: &Chrome,
        template: &'static str,
        fill: impl FnOnce(&mut Context),
    ) -> Result<String, RenderError> {
        let settings = self.site.current();
        let site = SiteInfo {
            title: &settings.title,
            description: &settings.description,
            base_url: &settings.base_url,
        };
        let mut context = Context::new();
        context.insert("site", &site);
        context.insert("assets", &self.assets);
        context.insert("viewer", &chrome.viewer);
        context.insert("csrf_token", &chrome.csrf_token);
        // Set by pages rendered as signed-in templates (see `page_cache::personal`).
        context.insert("header_slot", &None::<&str>);
        fill(&mut context);
        self.tera
            .render(template, &context)
            .map_err(|source| RenderError { template, source })
    }

    /// The site header alone, for `chrome`'s viewer: what a signed-in template leaves out.
    pub(crate) fn render_header(&self, chrome: &Chrome) -> Result<String, RenderError> {
        self.render(chrome, "partials/header.html", |_| {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages() -> Pages {
        Pages::new(
            Site::new(crate::site::SiteSettings::defaults(
                "Notes <&> Things",
                "http://localhost",
            )),
            AssetUrls {
                stylesheet: "/assets/style.123.css".into(),
                highlight: "/assets/highlight.456.css".into(),
                editor_js: "/assets/editor.789.js".into(),
            },
        )
        .unwrap()
    }

    #[test]
    fn every_template_file_is_embedded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../templates");
        let mut on_disk = Vec::new();
        let mut pending = vec![dir.clone()];
        while let Some(folder) = pending.pop() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                } else {
                    let name = path
                        .strip_prefix(&dir)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    on_disk.push(name);
                }
            }
        }
        on_disk.sort();
        let mut embedded: Vec<String> = TEMPLATES.iter().map(|(n, _)| (*n).to_owned()).collect();
        embedded.sort();
        assert_eq!(
            embedded, on_disk,
            "templates/ and TEMPLATES must list the same files"
        );
        pages();
    }

    #[test]
    fn site_title_is_escaped() {
        let html = pages()
            .render(&Chrome::anonymous(), "error.html", |c| {
                c.insert(
                    "error",
                    &serde_json::json!({"status": 404, "heading": "Not found", "message": "<b>x</b>"}),
                );
            })
            .unwrap();
        assert!(html.contains("Notes &lt;&amp;&gt; Things"), "{html}");
        assert!(
            html.contains("&lt;b&gt;x&lt;&#x2F;b&gt;") || html.contains("&lt;b&gt;x&lt;/b&gt;"),
            "{html}"
        );
        assert!(html.contains(r#"href="/assets/style.123.css""#), "{html}");
    }
}
