//! A minimal browser for tests: keeps cookies, fills forms with their CSRF token.

use std::collections::BTreeMap;

/// A response as tests look at it.
pub struct Page {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

impl Page {
    /// The value of the hidden `csrf_token` field of the page's first form that has one.
    pub fn csrf_token(&self) -> String {
        let marker = r#"name="csrf_token" value=""#;
        let start = self
            .body
            .find(marker)
            .unwrap_or_else(|| panic!("no csrf_token field in:\n{}", self.body))
            + marker.len();
        self.body[start..]
            .chars()
            .take_while(|c| *c != '"')
            .collect()
    }
}

/// A client with a cookie jar, talking to one test app.
pub struct Browser {
    address: String,
    client: awc::Client,
    pub cookies: BTreeMap<String, String>,
}

/// Reads an awc response into a [`Page`] and files its cookies in the jar.
macro_rules! read_page {
    ($browser:expr, $response:expr) => {{
        let mut response = $response.expect("request sent");
        let body = response
            .body()
            .limit(10 * 1024 * 1024)
            .await
            .expect("body read");
        let mut headers = BTreeMap::new();
        for (name, value) in response.headers() {
            let value = value.to_str().unwrap_or_default().to_owned();
            if name.as_str() == "set-cookie" {
                $browser.remember(&value);
            }
            headers.insert(name.as_str().to_owned(), value);
        }
        Page {
            status: response.status().as_u16(),
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }};
}

impl Browser {
    pub fn new(address: &str) -> Self {
        Self {
            address: address.to_owned(),
            client: awc::Client::builder()
                // Drop idle connections before the server's 5 s keep-alive closes them.
                .connector(awc::Connector::new().conn_keep_alive(std::time::Duration::from_secs(2)))
                .disable_redirects()
                .timeout(std::time::Duration::from_secs(30))
                .finish(),
            cookies: BTreeMap::new(),
        }
    }

    fn remember(&mut self, set_cookie: &str) {
        let pair = set_cookie.split(';').next().unwrap_or_default();
        let Some((name, value)) = pair.split_once('=') else {
            return;
        };
        let removed = set_cookie.contains("Max-Age=0") || value.is_empty();
        if removed {
            self.cookies.remove(name.trim());
        } else {
            self.cookies
                .insert(name.trim().to_owned(), value.to_owned());
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let request = self
            .client
            .get(format!("{}{path}", self.address))
            .insert_header(("Cookie", self.cookie_header()));
        read_page!(self, request.send().await)
    }

    /// Posts `fields` as a form, as they are (the caller includes `csrf_token` or not).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let request = self
            .client
            .post(format!("{}{path}", self.address))
            .insert_header(("Cookie", self.cookie_header()));
        read_page!(self, request.send_form(&fields).await)
    }

    /// Posts a `multipart/form-data` body: text `fields`, then one file.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &str, &[u8]),
    ) -> Page {
        let boundary = "----quire-test-boundary-7d1f";
        let mut body: Vec<u8> = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        let (name, filename, bytes) = file;
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = self
            .client
            .post(format!("{}{path}", self.address))
            .insert_header(("Cookie", self.cookie_header()))
            .insert_header((
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            ));
        read_page!(self, request.send_body(body).await)
    }

    /// Loads `form_page`, then posts `fields` to `action` with the page's CSRF token.
    pub async fn submit(&mut self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let page = self.get(form_page).await;
        assert_eq!(page.status, 200, "{form_page}: {}", page.body);
        let token = page.csrf_token();
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", &token)];
        all.extend_from_slice(fields);
        self.post(action, &all).await
    }

    /// Signs up and ends signed in.
    pub async fn sign_up(&mut self, username: &str, password: &str) -> Page {
        let email = format!("{username}@example.org");
        let page = self
            .submit(
                "/signup",
                "/signup",
                &[
                    ("username", username),
                    ("email", &email),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(page.status, 303, "sign-up of {username}: {}", page.body);
        page
    }

    /// Signs in an existing account and ends signed in.
    pub async fn sign_in(&mut self, login: &str, password: &str) -> Page {
        let page = self
            .submit(
                "/login",
                "/login",
                &[("login", login), ("password", password), ("next", "/")],
            )
            .await;
        assert_eq!(page.status, 303, "sign-in of {login}: {}", page.body);
        page
    }
}
