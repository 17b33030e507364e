//! The real app in a real window: tauri-driver + WebKitWebDriver drive `bridge-desktop` on a real SQLite
//! file, visit every screen, assert what it shows, and save a screenshot of each under
//! `target/screenshots/`. Runs when `TAURI_E2E=1` (as `make test` does, under Xvfb).

use std::{
    net::{TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use bridge_engine::Engine;
use bridge_model::{ErrorCategory, NewFailedRecord, ObjectType, Provider, WriteOperation};
use bridge_store::failed_records;
use bridge_tests::fixtures;
use serde_json::json;
use thirtyfour::prelude::*;

const WAIT: Duration = Duration::from_secs(20);

/// One app at a time: the demo workspace keeps its sign-ins under one keyring service.
static ONE_APP: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// tauri-driver, stopped with SIGTERM so it takes WebKitWebDriver down with it.
struct TauriDriver(Child);

impl Drop for TauriDriver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn tauri_driver_binary() -> PathBuf {
    let in_cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|home| home.join("bin/tauri-driver"));
    match in_cargo_home {
        Some(path) if path.exists() => path,
        _ => PathBuf::from("tauri-driver"),
    }
}

fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A workspace with two CRMs, 1,600 records and one failed write.
fn seed(db: &Path) {
    let engine = Engine::open(db).unwrap();
    let store = engine.store();
    let hubspot = fixtures::add_connection(store, Provider::Hubspot, "HubSpot — Sales EU");
    let close = fixtures::add_connection(store, Provider::Close, "Close — Inside sales");
    fixtures::fill(store, hubspot, 1_200, 100, 7);
    fixtures::fill(store, close, 300, 0, 8);
    store
        .write(|tx| {
            failed_records::insert(
                tx,
                &NewFailedRecord {
                    connection_id: hubspot,
                    object_type: ObjectType::Person,
                    remote_id: None,
                    operation: WriteOperation::Create,
                    payload: json!({"email": "ann@@example"}),
                    category: ErrorCategory::Validation,
                    message: "Property values were not valid: email".into(),
                    field: Some("email".into()),
                },
                fixtures::fixture_now(),
            )
        })
        .unwrap();
}

/// The element's `textContent` (WebKitWebDriver's rendered-text algorithm skips text in clipped cells).
async fn text_of(driver: &WebDriver, el: &WebElement) -> String {
    driver
        .execute(
            "return arguments[0].textContent;",
            vec![el.to_json().unwrap()],
        )
        .await
        .ok()
        .and_then(|r| r.json().as_str().map(str::to_owned))
        .unwrap_or_default()
}

async fn wait_for_text(driver: &WebDriver, css: &str, want: &str) -> WebElement {
    wait_longer_for_text(driver, css, want, WAIT).await
}

async fn wait_longer_for_text(
    driver: &WebDriver,
    css: &str,
    want: &str,
    wait: Duration,
) -> WebElement {
    let started = Instant::now();
    let mut last = String::new();
    while started.elapsed() < wait {
        if let Ok(el) = driver.find(By::Css(css)).await {
            last = text_of(driver, &el).await;
            if last.contains(want) {
                return el;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let shot = screenshot_dir().join("failure.png");
    let _ = driver.screenshot(&shot).await;
    panic!(
        "`{css}` never showed `{want}`; last text: `{last}` (screen: {})",
        shot.display()
    );
}

async fn count(driver: &WebDriver, css: &str) -> usize {
    driver.find_all(By::Css(css)).await.unwrap().len()
}

/// Screenshots lag the DOM by a frame or two; wait for two animation frames first.
async fn screenshot(driver: &WebDriver, name: &str) {
    driver
        .execute(
            "return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))));",
            vec![],
        )
        .await
        .unwrap();
    driver
        .screenshot(&screenshot_dir().join(format!("{name}.png")))
        .await
        .unwrap();
}

async fn open_screen(driver: &WebDriver, id: &str, heading: &str) {
    driver
        .find(By::Css(format!("[data-testid=nav-{id}]")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(driver, &format!("[data-testid=screen-{id}] h1"), heading).await;
}

/// Everything the app logged into `dir`.
fn log_text(dir: &Path) -> String {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect()
}

/// tauri-driver and a WebDriver session with `application` on the workspace `db`, its log in `dir`.
async fn session(db: &Path, application: &Path, dir: &Path) -> (TauriDriver, WebDriver) {
    let (port, native_port) = (free_port(), free_port());
    let tauri_driver = TauriDriver(
        Command::new(tauri_driver_binary())
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("CRM_BRIDGE_DB", db)
            .env("CRM_BRIDGE_LOG_DIR", dir.join("logs"))
            // "Sign in with browser" opens $BROWSER: here a script that follows the sign-in page.
            .env(
                "BROWSER",
                concat!(env!("CARGO_MANIFEST_DIR"), "/../.ci/follow-browser.sh"),
            )
            .stdout(Stdio::null())
            .spawn()
            .expect("tauri-driver must be installed (make setup installs it)"),
    );
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < WAIT, "tauri-driver did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut caps = Capabilities::new();
    caps.set("browserName", "wry").unwrap();
    caps.set("tauri:options", json!({ "application": application }))
        .unwrap();
    let driver = WebDriver::new(format!("http://127.0.0.1:{port}"), caps)
        .await
        .expect("WebDriver session with the app");
    (tauri_driver, driver)
}

async fn click(driver: &WebDriver, css: &str) {
    let element = driver
        .find(By::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    // A button below the fold (a long dialog) is clicked where a person would scroll to.
    element.scroll_into_view().await.unwrap();
    element.click().await.unwrap()
}

/// The first run on an empty workspace: the start screen offers the four CRMs (and the demo where the
/// build has one); no other screen is a dead end. Also what the installed package is checked with.
pub async fn first_run(driver: &WebDriver, demo_available: bool, shots: &str) {
    assert_eq!(driver.title().await.unwrap(), "CRM Bridge");
    let start = wait_for_text(
        driver,
        "[data-testid=start-screen]",
        "Welcome to CRM Bridge",
    )
    .await;
    let text = text_of(driver, &start).await;
    for crm in ["HubSpot", "Salesforce", "Close", "Pipedrive"] {
        assert!(text.contains(&format!("Connect {crm}")), "{text}");
    }
    assert!(
        text.contains("Settings → Developer → API Keys"),
        "where Close's key is: {text}"
    );
    assert_eq!(
        count(driver, "[data-testid=start-demo]").await,
        usize::from(demo_available)
    );
    screenshot(driver, &format!("{shots}-start")).await;
    // Another screen says what to do and leads back.
    click(driver, "[data-testid=nav-duplicates]").await;
    wait_for_text(driver, "[data-testid=empty-state]", "Connect a CRM first").await;
    click(driver, "[data-testid=go-connect]").await;
    wait_for_text(driver, "[data-testid=start-screen]", "Welcome").await;
    // A card opens the form on its CRM, with where its key is.
    click(driver, "[data-testid=start-close]").await;
    wait_for_text(driver, "[data-testid=add-connection]", "Add a connection").await;
    click(driver, "[data-testid=method-key]").await;
    wait_for_text(driver, "[data-testid=sign-in-help]", "API Keys").await;
    click(driver, "[data-testid=cancel-sign-in]").await;
    wait_for_text(driver, "[data-testid=start-screen]", "Welcome").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_first_run_opens_on_the_start_screen_and_settings_take_effect() {
    if std::env::var_os("TAURI_E2E").is_none() {
        eprintln!("skipped: set TAURI_E2E=1 to drive the real app (make test does, under Xvfb)");
        return;
    }
    let _one = ONE_APP.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("first.sqlite3");
    let (_tauri_driver, driver) = session(
        &db,
        Path::new(env!("CARGO_BIN_EXE_bridge-desktop")),
        dir.path(),
    )
    .await;
    first_run(&driver, true, "00").await;

    // Settings: a bad value is refused by name and nothing changes; a good one takes effect at once.
    open_screen(&driver, "settings", "Settings").await;
    let field = driver.find(By::Css("#review-threshold")).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys("0.3" + Key::Enter).await.unwrap();
    wait_for_text(
        &driver,
        "[data-testid=setting-review-threshold] [role=alert]",
        "at least 0.5",
    )
    .await;
    click(&driver, "[data-testid=setting-theme] input[value=dark]").await;
    let started = Instant::now();
    let theme = || async {
        driver
            .execute("return document.documentElement.dataset.theme;", vec![])
            .await
            .unwrap()
            .json()
            .as_str()
            .map(str::to_owned)
    };
    while theme().await.as_deref() != Some("dark") && started.elapsed() < WAIT {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(theme().await.as_deref(), Some("dark"));
    screenshot(&driver, "12-settings-dark").await;
    let stored = Engine::open(&db).unwrap().settings().unwrap();
    assert_eq!(
        stored.theme,
        bridge_model::Theme::Dark,
        "stored in the workspace"
    );
    assert_eq!(
        stored.review_threshold, 0.5,
        "the refused value was not stored"
    );
    click(&driver, "[data-testid=setting-theme] input[value=light]").await;
    // A new workspace opens in place of this one (its own settings), and this one opens again.
    let second = dir.path().join("second.sqlite3");
    for (button, path) in [("new-workspace", &second), ("open-workspace", &db)] {
        click(&driver, &format!("[data-testid={button}]")).await;
        let field = driver
            .find(By::Css("[data-testid=workspace-path]"))
            .await
            .unwrap();
        field.clear().await.unwrap();
        field.send_keys(path.display().to_string()).await.unwrap();
        click(&driver, "[data-testid=workspace-submit]").await;
        wait_for_text(&driver, "[data-testid=start-screen]", "Welcome").await;
        let shown = path.display().to_string();
        wait_for_text(&driver, ".sidebar-foot", &shown).await;
        open_screen(&driver, "settings", "Settings").await;
    }
    assert!(second.is_file(), "the new workspace was created");
    click(&driver, "[data-testid=copy-diagnostics]").await;
    wait_for_text(&driver, "[data-testid=diagnostics-text]", "(desktop app)").await;
    let licences = wait_for_text(
        &driver,
        "[data-testid=licences-summary]",
        "bundled libraries",
    )
    .await;
    let summary = text_of(&driver, &licences).await;
    let listed: usize = summary
        .split_whitespace()
        .find_map(|w| w.parse().ok())
        .unwrap_or(0);
    assert!(listed > 200, "every bundled library is listed: {summary}");
    screenshot(&driver, "12-settings").await;

    // The demo opens in its own workspace, labelled in the title and the sidebar, and leaves again.
    open_screen(&driver, "connections", "").await;
    click(&driver, "[data-testid=start-demo]").await;
    wait_for_text(&driver, "[data-testid=demo-badge]", "Demo").await;
    // A notification server on the session's bus (dunst, as a desktop has one), drawing on the screen.
    let mut notifications = Command::new("dunst").stderr(Stdio::null()).spawn().ok();
    // The window to the background: a pull that ends now is told by the OS.
    driver.minimize_window().await.unwrap();
    let started = Instant::now();
    while driver.title().await.unwrap() != "CRM Bridge — Demo" && started.elapsed() < WAIT {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(driver.title().await.unwrap(), "CRM Bridge — Demo");
    // The pulls the demo started end; one finished while the window was not in front is told by the OS.
    let started = Instant::now();
    while count(&driver, "[data-testid=pull]").await < 4
        && started.elapsed() < Duration::from_secs(120)
    {
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let started = Instant::now();
    let told = || {
        log_text(&dir.path().join("logs"))
            .matches("notification sent title=\"Pull finished\"")
            .count()
    };
    while told() == 0 && started.elapsed() < WAIT {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(told() > 0, "a pull that ended in the background is told");
    // A scheduled sync that fails is told too, window or not: a pair due at once whose other side has
    // no sign-in (the scheduler looks every 30 seconds).
    let demo = Engine::open(&bridge_engine::demo_database_path(&db)).unwrap();
    let signed_out = fixtures::add_connection(demo.store(), Provider::Close, "Close — signed out");
    let hubspot = demo
        .connections()
        .unwrap()
        .into_iter()
        .find(|c| c.provider == Provider::Hubspot)
        .unwrap()
        .id;
    let mut pair = demo.suggest_sync_pair(hubspot, signed_out).unwrap();
    pair.every_minutes = Some(5);
    demo.add_sync_pair(&pair).unwrap();
    let failed_told = || {
        log_text(&dir.path().join("logs"))
            .contains("notification sent title=\"Scheduled sync needs you\"")
    };
    let started = Instant::now();
    while !failed_told() && started.elapsed() < Duration::from_secs(50) {
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(failed_told(), "a scheduled sync that failed is told");
    if notifications.is_some() {
        // What the person sees: the whole screen, the notification drawn by the server.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let shot = screenshot_dir().join("13-notification.png");
        let _ = Command::new("import")
            .args(["-window", "root"])
            .arg(&shot)
            .status();
    }
    if let Some(server) = notifications.as_mut() {
        let _ = server.kill();
        let _ = server.wait();
    }
    driver.maximize_window().await.unwrap();
    click(&driver, "[data-testid=leave-demo]").await;
    wait_for_text(&driver, "[data-testid=start-screen]", "Welcome").await;
    assert_eq!(driver.title().await.unwrap(), "CRM Bridge");
    driver.quit().await.unwrap();
}

/// The app as a user gets it: the binary the `.deb` installed (`CRM_BRIDGE_INSTALLED_APP`, set by
/// `scripts/package-test.sh`), opened on an empty workspace: the start screen, no demo (a package holds
/// no emulator).
#[tokio::test(flavor = "multi_thread")]
async fn the_installed_package_opens_on_the_start_screen() {
    let Some(app) = std::env::var_os("CRM_BRIDGE_INSTALLED_APP") else {
        eprintln!("skipped: scripts/package-test.sh runs this on the installed package");
        return;
    };
    let _one = ONE_APP.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let (_tauri_driver, driver) = session(
        &dir.path().join("installed.sqlite3"),
        Path::new(&app),
        dir.path(),
    )
    .await;
    first_run(&driver, false, "package").await;
    open_screen(&driver, "settings", "Settings").await;
    wait_for_text(
        &driver,
        "[data-testid=about-version]",
        env!("CARGO_PKG_VERSION"),
    )
    .await;
    screenshot(&driver, "package-settings").await;
    driver.quit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_real_app_shows_every_screen() {
    if std::env::var_os("TAURI_E2E").is_none() {
        eprintln!("skipped: set TAURI_E2E=1 to drive the real app (make test does, under Xvfb)");
        return;
    }
    let _one = ONE_APP.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.sqlite3");
    seed(&db);

    let (_tauri_driver, driver) = session(
        &db,
        Path::new(env!("CARGO_BIN_EXE_bridge-desktop")),
        dir.path(),
    )
    .await;
    assert_eq!(driver.title().await.unwrap(), "CRM Bridge");

    // Connections: both CRMs with their counts, read from the real database.
    wait_for_text(
        &driver,
        "[data-testid=screen-connections] h1",
        "Connections",
    )
    .await;
    let cards = wait_for_text(&driver, ".cards", "Close — Inside sales").await;
    let text = text_of(&driver, &cards).await;
    assert!(text.contains("HubSpot — Sales EU"), "{text}");
    assert!(
        text.contains("1,300"),
        "HubSpot holds 1,200 people + 100 companies: {text}"
    );
    assert_eq!(count(&driver, "[data-testid=connection-card]").await, 2);
    wait_for_text(&driver, "[data-testid=nav-records]", "1,600").await;
    screenshot(&driver, "01-connections").await;

    // Records: a page at a time, virtualized; search narrows; a row opens its detail.
    open_screen(&driver, "records", "Records").await;
    wait_for_text(&driver, "[data-testid=result-count]", "1,600 records").await;
    wait_for_text(&driver, "[data-testid=records-list]", "@").await;
    let rendered = count(&driver, "[data-testid=record-row]").await;
    assert!(
        (10..200).contains(&rendered),
        "only the visible rows are in the DOM, not 1,600: {rendered}"
    );
    screenshot(&driver, "02-records").await;
    let search = driver.find(By::Css("[data-testid=search]")).await.unwrap();
    search.send_keys("smith").await.unwrap();
    let narrowed = wait_for_text(&driver, "[data-testid=result-count]", "records").await;
    let started = Instant::now();
    while text_of(&driver, &narrowed).await.contains("1,600") && started.elapsed() < WAIT {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let shown = text_of(&driver, &narrowed).await;
    assert!(!shown.contains("1,600"), "search did not narrow: {shown}");
    let first_row = wait_for_text(&driver, "[data-testid=record-row]", "Smith").await;
    first_row.click().await.unwrap();
    let detail = wait_for_text(&driver, "[data-testid=record-detail]", "email").await;
    assert!(text_of(&driver, &detail).await.contains("Smith"));
    screenshot(&driver, "03-records-search-detail").await;

    // The screens with nothing yet say what the user can do.
    open_screen(&driver, "duplicates", "Duplicates").await;
    wait_for_text(
        &driver,
        "[data-testid=empty-state]",
        "No duplicate candidates",
    )
    .await;
    screenshot(&driver, "04-duplicates").await;
    open_screen(&driver, "mappings", "Mappings").await;
    wait_for_text(
        &driver,
        "[data-testid=empty-state]",
        "No field mappings saved",
    )
    .await;
    screenshot(&driver, "05-mappings").await;
    open_screen(&driver, "migration", "Migration").await;
    wait_for_text(&driver, "[data-testid=empty-state]", "No migrations yet").await;
    screenshot(&driver, "06-migration").await;

    // Failed records: the queued write with the CRM's message and the field it named.
    open_screen(&driver, "failed", "Failed records").await;
    let table = wait_for_text(
        &driver,
        "[data-testid=failed-records]",
        "Property values were not valid",
    )
    .await;
    assert!(text_of(&driver, &table).await.contains("email"));
    screenshot(&driver, "07-failed-records").await;

    // The demo workspace: four emulated CRMs connected (secrets in the real keyring) and pulled.
    open_screen(&driver, "connections", "Connections").await;
    driver
        .find(By::Css("[data-testid=open-demo]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&driver, "[data-testid=pull-progress]", "records").await;
    let started = Instant::now();
    while count(&driver, "[data-testid=pull-progress]").await < 4 && started.elapsed() < WAIT {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    screenshot(&driver, "08-connections-demo-pulling").await;
    let cards = wait_for_text(&driver, ".cards", "Demo Pipedrive").await;
    let text = text_of(&driver, &cards).await;
    for crm in ["Demo HubSpot", "Demo Salesforce", "Demo Close"] {
        assert!(text.contains(crm), "{text}");
    }
    // Every demo pull ends (Salesforce alone has leads). The demo's own workspace holds only its four.
    let started = Instant::now();
    while count(&driver, "[data-testid=pull]").await < 4
        && started.elapsed() < Duration::from_secs(120)
    {
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(
        count(&driver, "[data-testid=pull]").await,
        4,
        "every pull finished"
    );
    wait_for_text(&driver, ".cards", "Lead").await;
    screenshot(&driver, "09-connections-demo-pulled").await;

    // Sign in with the browser (OAuth + PKCE through the loopback listener) to the demo Pipedrive.
    let click = |css: &str| {
        let (driver, css) = (&driver, css.to_owned());
        async move { click(driver, &css).await }
    };
    // The custom fields the demo HubSpot mirrors: every one until a person chooses.
    click("[data-testid=mirrored-fields-button]").await;
    wait_for_text(
        &driver,
        "[data-testid=mirrored-fields]",
        "Lead source detail",
    )
    .await;
    screenshot(&driver, "09b-connections-custom-fields").await;
    click("[data-testid=close-mirrored-fields]").await;
    click("[data-testid=add-connection-button]").await;
    click("[data-testid=add-connection] select option[value=pipedrive]").await;
    click("[data-testid=target] option[value=demo]").await;
    wait_for_text(
        &driver,
        "[data-testid=sign-in-help]",
        "browser opens Pipedrive",
    )
    .await;
    screenshot(&driver, "10-add-connection-browser").await;
    click("[data-testid=connect]").await;
    let started = Instant::now();
    while count(&driver, "[data-testid=connection-card]").await < 5 && started.elapsed() < WAIT {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        count(&driver, "[data-testid=connection-card]").await,
        5,
        "the browser sign-in added a connection"
    );
    assert_eq!(count(&driver, "[data-testid=add-connection]").await, 0);
    screenshot(&driver, "11-connections-signed-in-with-browser").await;

    // A custom object the demo CRMs define (Close's and Salesforce's invoices), listed in Records'
    // Type filter by its CRM's name, its records with their own fields.
    open_screen(&driver, "records", "Records").await;
    // Three demo CRMs list invoices: each option says whose they are.
    wait_for_text(
        &driver,
        "[data-testid=filter-type]",
        "Invoices (Demo Close)",
    )
    .await;
    click("[data-testid=filter-type] option[value^='custom:cotype_']").await;
    let invoice = wait_for_text(&driver, "[data-testid=record-row]", "INV-").await;
    invoice.click().await.unwrap();
    wait_for_text(&driver, "[data-testid=record-detail]", "INV-").await;
    screenshot(&driver, "11b-records-custom-object").await;

    // Duplicates: find them across the four demo CRMs and review a group that spans two CRMs.
    open_screen(&driver, "duplicates", "Duplicates").await;
    click("[data-testid=find-duplicates]").await;
    wait_for_text(&driver, "[data-testid=found]", "groups of duplicates").await;
    wait_for_text(&driver, "[data-testid=group-detail]", "likely the same").await;
    let caption = wait_for_text(&driver, "[data-testid=groups-count]", "groups to review").await;
    let total: usize = text_of(&driver, &caption)
        .await
        .split_whitespace()
        .next()
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap();
    let rendered = count(&driver, "[data-testid=group]").await;
    assert!(
        total > 500 && (5..60).contains(&rendered),
        "{total} groups, {rendered} in the DOM: the list is virtual"
    );
    // Scroll down the list until a group that spans CRMs comes into view, and open it.
    let mut across = None;
    for _ in 0..60 {
        for g in driver
            .find_all(By::Css("[data-testid=group]"))
            .await
            .unwrap()
        {
            if g.find_all(By::Css(".provider")).await.unwrap().len() > 1 {
                across = Some(g);
                break;
            }
        }
        if across.is_some() {
            break;
        }
        driver
            .execute(
                "document.querySelector('[data-testid=duplicate-groups]').scrollTop += 500",
                vec![],
            )
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    across.expect("a group across CRMs").click().await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let detail = wait_for_text(&driver, "[data-testid=comparison]", "E-mail").await;
    let badges = detail.find_all(By::Css(".provider")).await.unwrap();
    let mut crms = std::collections::BTreeSet::new();
    for b in badges {
        crms.insert(b.text().await.unwrap());
    }
    assert!(crms.len() > 1, "the group spans CRMs: {crms:?}");
    screenshot(&driver, "12-duplicates-across-crms").await;

    // Merge it: the records stay in their CRMs, get the merged values and are linked; then undo it
    // from the merge history, which puts every field back.
    wait_for_text(&driver, "[data-testid=merge-actions]", "Link the records").await;
    click("[data-testid=merge]").await;
    wait_for_text(&driver, "[data-testid=merged-notice]", "Merged into").await;
    screenshot(&driver, "13-duplicates-merged").await;
    click("[data-testid=tab-history]").await;
    wait_for_text(&driver, "[data-testid=merge-row]", "Merged").await;
    click("[data-testid=merge-row] button").await;
    wait_for_text(&driver, "[data-testid=before-image]", "Before").await;
    click("[data-testid=undo-merge]").await;
    wait_for_text(&driver, "[data-testid=undo-notice]", "undone").await;
    wait_for_text(&driver, "[data-testid=merge-status]", "Undone").await;
    screenshot(&driver, "14-merge-history-after-undo").await;

    // Sync: the demo HubSpot and Salesforce as a pair that asks about conflicts; a first run.
    // The demo opened its own workspace beside the person's, which it left alone.
    let engine = Engine::open_demo_workspace(&db).unwrap();
    let home = Engine::open(&db).unwrap().connections().unwrap();
    assert!(
        home.iter().all(|c| !c.label.starts_with("Demo ")),
        "the demo wrote into the person's workspace: {home:?}"
    );
    let connections = engine.connections().unwrap();
    let demo = |label: &str| connections.iter().find(|c| c.label == label).unwrap().id;
    let (hubspot, salesforce) = (demo("Demo HubSpot"), demo("Demo Salesforce"));
    open_screen(&driver, "sync", "Sync").await;
    for (select, id) in [("pair-a", hubspot), ("pair-b", salesforce)] {
        let css = format!("[data-testid={select}] option[value='{}']", id.0);
        driver
            .find(By::Css(&css))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    click("[data-testid=new-pair]").await;
    wait_for_text(&driver, "[data-testid=pair-editor]", "Title").await;
    click("[data-testid=conflict-policy] option[value=ask]").await;
    click("[data-testid=save-pair]").await;
    wait_for_text(&driver, "[data-testid=sync-pair]", "conflicts: ask me").await;
    // A pair's first run writes to both CRMs: a modal dialog names them first.
    click("[data-testid=run-sync]").await;
    wait_for_text(
        &driver,
        "[data-testid=confirm-first-sync]",
        "Demo Salesforce",
    )
    .await;
    screenshot(&driver, "15a-sync-confirm-first-run").await;
    click("[data-testid=confirm-first-sync] [data-testid=confirm-action]").await;
    let long = Duration::from_secs(180);
    wait_longer_for_text(&driver, "[data-testid=sync-notice]", "Synced", long).await;
    wait_for_text(&driver, "[data-testid=sync-runs]", "Done").await;
    screenshot(&driver, "15-sync-after-first-run").await;

    // Salesforce as A offers its leads as HubSpot contacts, the status by a value map.
    for (select, id) in [("pair-a", salesforce), ("pair-b", hubspot)] {
        let css = format!("[data-testid={select}] option[value='{}']", id.0);
        click(&css).await;
    }
    click("[data-testid=new-pair]").await;
    wait_for_text(&driver, "[data-testid=pair-editor]", "Title").await;
    click("[data-testid=add-leads]").await;
    wait_for_text(&driver, "[data-testid=across-lead]", "Lead status").await;
    driver
        .execute(
            "document.querySelector('[data-testid=across-lead]').scrollIntoView({block: 'start'})",
            vec![],
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    screenshot(&driver, "15b-sync-leads-as-contacts").await;
    click("[data-testid=cancel-pair]").await;

    // A real conflict: after the sync both CRMs change one person's city.
    let pair = engine.sync_pairs().unwrap().remove(0);
    let linked = engine
        .store()
        .read(|c| bridge_store::sync_state::list(c, pair.id, ObjectType::Person))
        .unwrap()
        .remove(0);
    for (connection, id, city) in [
        (hubspot, &linked.a_remote_id, "Porto"),
        (salesforce, &linked.b_remote_id, "Faro"),
    ] {
        let fields = json!({ "city": city }).as_object().unwrap().clone();
        engine
            .update_in_crm(connection, ObjectType::Person, id, fields)
            .await
            .unwrap();
    }
    let before = engine.conflicts(None).unwrap().len();
    click("[data-testid=run-sync]").await;
    wait_longer_for_text(
        &driver,
        "[data-testid=sync-notice]",
        &format!("{} conflict", before + 1),
        long,
    )
    .await;
    open_screen(&driver, "conflicts", "Conflicts").await;
    wait_for_text(&driver, "[data-testid=screen-conflicts]", "Porto").await;
    let mut ours = None;
    for card in driver
        .find_all(By::Css("[data-testid=conflict]"))
        .await
        .unwrap()
    {
        if text_of(&driver, &card).await.contains("Porto") {
            ours = Some(card);
        }
    }
    let ours = ours.expect("the conflict both CRMs made");
    assert!(text_of(&driver, &ours).await.contains("Faro"));
    ours.find(By::Css("[data-testid=pick-b-city]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    ours.scroll_into_view().await.unwrap();
    screenshot(&driver, "16-conflicts-inbox").await;
    ours.find(By::Css("[data-testid=settle]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&driver, "[data-testid=conflict-notice]", "settled").await;
    let left = engine.conflicts(None).unwrap();
    assert_eq!(left.len(), before);
    assert!(left.iter().all(|c| c.a_remote_id != linked.a_remote_id));

    // Migration: the demo Close's companies into the demo Pipedrive, through every wizard step, a
    // dry run, the run, its report and a rollback.
    let (close, pipedrive) = (demo("Demo Close"), demo("Demo Pipedrive"));
    open_screen(&driver, "migration", "Migration").await;
    click("[data-testid=new-migration]").await;
    for (select, id) in [("source", close), ("target", pipedrive)] {
        let css = format!("select[aria-label={select}] option[value='{}']", id.0);
        click(&css).await;
    }
    let next = ".wizard-nav button.primary";
    click(next).await;
    wait_for_text(&driver, "[data-testid=migration-wizard] h2", "Objects").await;
    for other in ["person", "deal", "activity"] {
        click(&format!("[data-testid=object-{other}]")).await;
    }
    click(next).await;
    wait_for_text(&driver, "[data-testid=fields-company]", "Company").await;
    click(next).await;
    wait_for_text(&driver, "[data-testid=stage-mapping]", "Source stage").await;
    wait_for_text(&driver, "[data-testid=owner-mapping]", "@").await;
    screenshot(&driver, "17-migration-stages-and-owners").await;
    click(next).await;
    wait_for_text(
        &driver,
        "[data-testid=migration-wizard] h2",
        "Match existing",
    )
    .await;
    click(next).await;
    wait_longer_for_text(
        &driver,
        "[data-testid=dry-run-summary]",
        "Nothing was written",
        long,
    )
    .await;
    screenshot(&driver, "18-migration-dry-run").await;
    click(next).await;
    // The run writes only once the dialog naming the target and the counts is confirmed.
    wait_for_text(&driver, "[data-testid=confirm-run]", "This writes to").await;
    screenshot(&driver, "18a-migration-confirm-run").await;
    click("[data-testid=confirm-run] [data-testid=confirm-action]").await;
    wait_longer_for_text(&driver, "[data-testid=migration-report]", "created", long).await;
    screenshot(&driver, "19-migration-report").await;
    click("[data-testid=to-rollback]").await;
    // The target is read for records changed since the run; a rollback of more than 100 records
    // asks for their number to be typed.
    wait_longer_for_text(
        &driver,
        "[data-testid=rollback]",
        "records of migration",
        long,
    )
    .await;
    click("[data-testid=rollback]").await;
    wait_for_text(&driver, "[data-testid=confirm-rollback]", "Roll back").await;
    if count(&driver, "[data-testid=rollback-confirm]").await > 0 {
        let confirm = driver
            .find(By::Css("[data-testid=rollback-confirm]"))
            .await
            .unwrap();
        let records = confirm.attr("data-count").await.unwrap().unwrap();
        confirm.send_keys(&records).await.unwrap();
    }
    screenshot(&driver, "20-migration-rollback-confirm").await;
    click("[data-testid=confirm-rollback] [data-testid=confirm-action]").await;
    wait_longer_for_text(
        &driver,
        "[data-testid=rollback-result]",
        "Rolled back",
        long,
    )
    .await;
    screenshot(&driver, "20-migration-rolled-back").await;
    // Closed, the migration is listed as rolled back, and its report opens again from the list.
    click(".wizard-nav button.link").await;
    wait_for_text(&driver, "[data-testid=migrations]", "Rolled back").await;
    click("[data-testid=open-report]").await;
    wait_for_text(&driver, "[data-testid=migration-report]", "rolled back").await;
    screenshot(&driver, "20b-migration-report-reopened").await;
    click(".wizard-nav button.link").await;
    // The plan's field mapping is saved, versioned, on the Mappings screen.
    open_screen(&driver, "mappings", "Mappings").await;
    wait_for_text(
        &driver,
        "[data-testid=field-mappings]",
        "Demo Close -> Demo Pipedrive: company",
    )
    .await;
    screenshot(&driver, "21-mappings-saved").await;
    // The saved mapping opens in the editor outside the wizard, with the CRMs' real fields.
    for (label, id) in [("From", close), ("To", pipedrive)] {
        let css = format!(
            "[data-testid=mapping-editor] select[aria-label={label}] option[value='{}']",
            id.0
        );
        click(&css).await;
    }
    click("[data-testid=load-mappings]").await;
    wait_for_text(&driver, "[data-testid=fields-company]", "Company").await;
    screenshot(&driver, "22-mappings-editor").await;

    // Back to the person's workspace: its two CRMs, no demo connection among them.
    click("[data-testid=leave-demo]").await;
    let cards = wait_for_text(&driver, ".sidebar-foot", "Local workspace").await;
    drop(cards);
    let cards = wait_for_text(&driver, ".cards", "Close").await;
    assert!(!text_of(&driver, &cards).await.contains("Demo "));
    screenshot(&driver, "23-back-to-my-workspace").await;

    driver.quit().await.unwrap();
}
