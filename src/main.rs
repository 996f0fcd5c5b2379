#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;

/// See the comment on `tikv-jemallocator` in Cargo.toml.
#[cfg(all(target_os = "linux", not(target_env = "musl")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = outreach::cli::Cli::parse();
    match outreach::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // One clear line, no backtrace: configuration and start-up failures are
            // for an operator to read.
            // Libraries (libpq) may answer in several lines; keep it to one.
            eprintln!("outreach: {}", err.split_whitespace().collect::<Vec<_>>().join(" "));
            ExitCode::FAILURE
        }
    }
}
