//! Browser tests: the web pages in real headless Chromium (Debian's `chromium` and
//! `chromium-driver`), against a fresh demo deployment served in this process on port 0.
//!
//! One chromedriver and one demo serve every scenario; each scenario opens its own Chromium
//! session (a fresh profile: no cookie, no key in IndexedDB). Scenarios run one at a time.
//! Without chromedriver the scenarios are reported as ignored, unless
//! `WASTETRAIL_BROWSER_TESTS=require` (CI sets it), which makes its absence a failure.
//! `WASTETRAIL_SCREENSHOTS=DIR` also writes screenshots of the main pages to DIR.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod canonical;
mod closing;
mod custody;
mod languages;
mod print;
mod privacy;
mod refusal;
mod registry;
mod screenshots;
mod signin;
mod support;
mod verify;
mod whole_case;

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use libtest_mimic::{Arguments, Failed, Trial};
use support::World;

type Scenario = fn(Arc<World>) -> Pin<Box<dyn Future<Output = ()> + Send>>;

/// Every scenario, by name.
const SCENARIOS: &[(&str, Scenario)] = &[
    ("sign_in_with_a_demo_key_file", |w| {
        Box::pin(signin::sign_in_with_a_demo_key_file(w))
    }),
    ("a_wrong_key_is_refused", |w| {
        Box::pin(signin::a_wrong_key_is_refused(w))
    }),
    ("sign_out_deletes_the_key_from_the_browser", |w| {
        Box::pin(signin::sign_out_deletes_the_key_from_the_browser(w))
    }),
    ("javascript_sealing_and_signing_input_match_rust", |w| {
        Box::pin(canonical::javascript_sealing_and_signing_input_match_rust(
            w,
        ))
    }),
    (
        "one_case_walked_through_by_each_role_up_to_the_first_movement",
        |w| Box::pin(whole_case::one_case_walked_through_by_each_role(w)),
    ),
    ("authorities_register_participants_and_revoke_keys", |w| {
        Box::pin(registry::authorities_register_participants_and_revoke_keys(
            w,
        ))
    }),
    (
        "a_refusal_is_shown_with_its_citation_and_the_form_is_kept",
        |w| Box::pin(refusal::a_refusal_is_shown_with_its_citation_and_the_form_is_kept(w)),
    ),
    ("french_and_spanish_pages_have_no_english_left", |w| {
        Box::pin(languages::french_and_spanish_pages_have_no_english_left(w))
    }),
    ("the_private_key_never_appears_in_any_request", |w| {
        Box::pin(privacy::the_private_key_never_appears_in_any_request(w))
    }),
    (
        "customs_checks_a_movement_at_the_border_and_records_its_exit",
        |w| Box::pin(custody::customs_checks_a_movement_at_the_border_and_records_its_exit(w)),
    ),
    (
        "a_carrier_and_the_disposer_walk_a_shipment_to_completion",
        |w| Box::pin(custody::a_carrier_and_the_disposer_walk_a_shipment_to_completion(w)),
    ),
    (
        "customs_sees_an_unconsented_movement_red_with_its_citation",
        |w| Box::pin(closing::customs_sees_an_unconsented_movement_red_with_its_citation(w)),
    ),
    (
        "a_movement_code_verifies_green_in_the_browser_and_tampering_turns_it_red",
        |w| {
            Box::pin(
                verify::a_movement_code_verifies_green_in_the_browser_and_tampering_turns_it_red(w),
            )
        },
    ),
    (
        "the_printed_movement_document_has_every_annex_item_and_its_qr_code_decodes",
        |w| {
            Box::pin(
                print::the_printed_movement_document_has_every_annex_item_and_its_qr_code_decodes(
                    w,
                ),
            )
        },
    ),
    ("screenshots_of_the_main_pages", |w| {
        Box::pin(screenshots::screenshots_of_the_main_pages(w))
    }),
    // After the screenshots, which show the general case still open.
    ("the_general_case_is_walked_to_its_close", |w| {
        Box::pin(closing::the_general_case_is_walked_to_its_close(w))
    }),
];

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}

fn main() {
    let mut args = Arguments::from_args();
    // One Chromium at a time: the machine is small and the scenarios share the demo.
    args.test_threads = Some(1);
    let available = std::path::Path::new(support::CHROMEDRIVER).exists()
        && std::path::Path::new(support::CHROMIUM).exists();
    let required = std::env::var("WASTETRAIL_BROWSER_TESTS").is_ok_and(|v| v == "require");
    if !available && required {
        eprintln!(
            "WASTETRAIL_BROWSER_TESTS=require but {} or {} is missing (apt-get install chromium chromium-driver)",
            support::CHROMIUM,
            support::CHROMEDRIVER
        );
        std::process::exit(1);
    }
    let world: Arc<OnceLock<Arc<World>>> = Arc::new(OnceLock::new());
    let trials = SCENARIOS
        .iter()
        .map(|(name, scenario)| {
            let world = world.clone();
            let scenario = *scenario;
            Trial::test(*name, move || {
                let w = world
                    .get_or_init(|| Arc::new(runtime().block_on(World::start())))
                    .clone();
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    runtime().block_on(scenario(w))
                }));
                r.map_err(|e| {
                    let msg = e
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                        .unwrap_or_else(|| "panicked".to_owned());
                    Failed::from(msg)
                })
            })
            .with_ignored_flag(!available)
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    // Stop chromedriver (its Drop) before exiting.
    drop(world);
    conclusion.exit();
}
