//! The browser tests' world: one demo deployment served in this process on port 0, one
//! recording proxy in front of it (every byte the browser sends passes through it), one
//! chromedriver, and a fresh headless Chromium session per scenario.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// Where Debian installs them (`.ci/run` installs the packages when missing).
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// The WebDriver server of Debian's `chromium-driver`.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Everything the scenarios share.
pub struct World {
    /// The browser's address of the demo (through the recording proxy).
    pub url: String,
    /// The demo directory (keys in `keys/<id>.pem`).
    pub dir: PathBuf,
    /// The bytes the browser sent, in order.
    pub sent: Arc<Mutex<Vec<u8>>>,
    driver_url: String,
    driver: Mutex<Child>,
    _tmp: tempfile::TempDir,
    _demo: wastetrail::demo::RunningDemo,
}

impl Drop for World {
    fn drop(&mut self) {
        if let Ok(mut d) = self.driver.lock() {
            let _ = d.kill();
            let _ = d.wait();
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(0)
}

/// Forwards one connection to `to`, recording what the client sends.
async fn pipe(mut client: TcpStream, to: SocketAddr, sent: Arc<Mutex<Vec<u8>>>) {
    let Ok(mut server) = TcpStream::connect(to).await else {
        return;
    };
    let (mut cr, mut cw) = client.split();
    let (mut sr, mut sw) = server.split();
    let up = async {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = match cr.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if let Ok(mut s) = sent.lock() {
                s.extend_from_slice(&buf[..n]);
            }
            if sw.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
        let _ = sw.shutdown().await;
    };
    let down = async {
        let _ = tokio::io::copy(&mut sr, &mut cw).await;
        let _ = cw.shutdown().await;
    };
    tokio::join!(up, down);
}

/// A TCP proxy on 127.0.0.1 in front of `to` that records every byte sent to it.
async fn recording_proxy(to: SocketAddr) -> (u16, Arc<Mutex<Vec<u8>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy bind");
    let port = listener.local_addr().expect("proxy addr").port();
    let sent = Arc::new(Mutex::new(Vec::new()));
    let rec = sent.clone();
    tokio::spawn(async move {
        while let Ok((c, _)) = listener.accept().await {
            tokio::spawn(pipe(c, to, rec.clone()));
        }
    });
    (port, sent)
}

impl World {
    /// Starts the demo (fresh directory, port 0), the proxy and chromedriver.
    pub async fn start() -> World {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("demo");
        let demo = wastetrail::demo::start(&wastetrail::demo::DemoOptions {
            dir: dir.clone(),
            listen: Some("127.0.0.1:0".into()),
            no_serve: false,
        })
        .await
        .expect("the demo deployment starts");
        let server: SocketAddr = demo
            .url
            .trim_start_matches("http://")
            .parse()
            .expect("demo address");
        let (proxy, sent) = recording_proxy(server).await;
        let port = free_port();
        let log = std::fs::File::create(tmp.path().join("chromedriver.log")).expect("log");
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::from(log.try_clone().expect("log")))
            .stderr(Stdio::from(log))
            .spawn()
            .expect("chromedriver starts");
        let driver_url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not listen");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        World {
            url: format!("http://127.0.0.1:{proxy}"),
            dir: dir.canonicalize().unwrap_or(dir),
            sent,
            driver_url,
            driver: Mutex::new(driver),
            _tmp: tmp,
            _demo: demo,
        }
    }

    /// A fresh headless Chromium (own profile: no cookies, no IndexedDB) of `width` pixels.
    pub async fn browser(&self, width: u32, height: u32) -> Browser {
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-extensions", "--no-first-run",
                    "--disable-features=Translate,OptimizationHints,MediaRouter",
                    "--hide-scrollbars", "--lang=en-US", "--font-render-hinting=none",
                    format!("--window-size={width},{height}"),
                ],
                "prefs": {"intl.accept_languages": "en-US,en"}
            }
        });
        let mut caps = caps;
        if width < 500 {
            // Headless Chromium's windows are at least 500 pixels wide: a phone is emulated.
            caps["goog:chromeOptions"]["mobileEmulation"] = json!({
                "deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0, "touch": true}
            });
        }
        let Value::Object(caps) = caps else {
            unreachable!()
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&self.driver_url)
            .await
            .expect("a Chromium session");
        Browser {
            c: client,
            base: self.url.clone(),
        }
    }

    /// The key file of a demo participant.
    pub fn key(&self, id: &str) -> PathBuf {
        self.dir.join("keys").join(format!("{id}.pem"))
    }

    /// Forgets what the browser sent so far.
    pub fn clear_sent(&self) {
        if let Ok(mut s) = self.sent.lock() {
            s.clear();
        }
    }

    /// What the browser sent since the last [`World::clear_sent`].
    pub fn sent(&self) -> Vec<u8> {
        self.sent.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

/// One Chromium session.
pub struct Browser {
    /// The WebDriver client.
    pub c: Client,
    base: String,
}

impl Browser {
    /// Opens a path of the demo.
    pub async fn open(&self, path: &str) {
        self.c
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    /// The path (and query) of the current page.
    pub async fn path(&self) -> String {
        let u = self.c.current_url().await.expect("current url");
        match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        }
    }

    /// Waits until the current path starts with `prefix`.
    pub async fn wait_path(&self, prefix: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let p = self.path().await;
            if p.starts_with(prefix) {
                return;
            }
            assert!(Instant::now() < deadline, "still at {p}, expected {prefix}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The visible text of the page.
    pub async fn text(&self) -> String {
        self.c
            .execute("return document.body.innerText;", vec![])
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// Waits until the visible text contains `needle`; returns the text.
    pub async fn wait_text(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let t = self.text().await;
            if t.contains(needle) {
                return t;
            }
            assert!(
                Instant::now() < deadline,
                "{needle:?} not on {}:\n{t}",
                self.path().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks the element matching a CSS selector.
    pub async fn click(&self, css: &str) {
        self.c
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Clicks the link or button whose text is `text`.
    pub async fn click_text(&self, text: &str) {
        let xpath = format!(
            "//a[normalize-space(.)={q}] | //button[normalize-space(.)={q}]",
            q = xpath_literal(text)
        );
        self.c
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no link or button {text:?}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {text:?}: {e}"));
    }

    /// Sets form fields by name: text, selects and dates get the value, checkboxes are
    /// checked when the value is `on` or is their value (several values: `a|b`).
    pub async fn fill(&self, fields: &[(&str, &str)]) {
        for (name, value) in fields {
            let ok = self
                .c
                .execute(
                    r#"const [name, value] = arguments;
                       const els = Array.from(document.getElementsByName(name));
                       if (!els.length) return false;
                       for (const el of els) {
                         if (el.type === "checkbox") {
                           const vals = value.split("|");
                           el.checked = value === "on" || vals.includes(el.value);
                         } else { el.value = value; }
                       }
                       return true;"#,
                    vec![json!(name), json!(value)],
                )
                .await
                .expect("fill");
            assert_eq!(ok, json!(true), "no field {name}");
        }
    }

    /// Signs in with a key file.
    pub async fn sign_in(&self, key: &Path) {
        self.open("/signin").await;
        let input = self
            .c
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Id("keyfile"))
            .await
            .expect("key file input");
        input
            .send_keys(&key.display().to_string())
            .await
            .expect("choose the key file");
        self.click("#signin-button").await;
        self.wait_path("/cases").await;
    }

    /// Signs out with the button of the page.
    pub async fn sign_out(&self) {
        self.click("#signout-form button").await;
        self.wait_path("/signin").await;
    }

    /// On a review page: signs and files; returns the leaf index the page shows.
    pub async fn sign_and_file(&self) -> u64 {
        self.click("#sign-button").await;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let shown = self
                .c
                .execute(
                    "const r = document.getElementById('receipt'); return r && !r.hidden ? r.innerText : '';",
                    vec![],
                )
                .await
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            if let Some(n) = shown
                .split(|c: char| !c.is_ascii_digit())
                .find(|s| !s.is_empty())
            {
                return n.parse().expect("a leaf index");
            }
            assert!(
                Instant::now() < deadline,
                "no receipt at {}:\n{}",
                self.path().await,
                self.text().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A PNG of the page (the whole page height at the window's width).
    pub async fn screenshot(&self, file: &Path) {
        let png = self.c.screenshot().await.expect("screenshot");
        std::fs::write(file, png).expect("write the screenshot");
    }

    /// Ends the session (closes Chromium).
    pub async fn close(self) {
        let _ = self.c.close().await;
    }
}

fn xpath_literal(s: &str) -> String {
    if s.contains('\'') {
        format!("\"{s}\"")
    } else {
        format!("'{s}'")
    }
}
