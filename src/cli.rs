//! The `outreach` command line.

use clap::{Parser, Subcommand};

use crate::config::Config;

#[derive(Debug, Parser)]
#[command(
    name = "outreach",
    version,
    about = "REST API for the volunteers and outreach work of a nationwide civic campaign"
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI 3.1 document to standard output.
    Openapi,
}

pub fn run(cli: Cli) -> Result<(), String> {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => {
            let json =
                crate::openapi::spec_json().map_err(|err| format!("cannot render the OpenAPI document: {err}"))?;
            print!("{json}");
            Ok(())
        }
        Command::Migrate => {
            crate::telemetry::init(&config.log_level, &config.log_format)?;
            let url = config.database_url.clone();
            crate::startup::prepare(config)?;
            tracing::info!(database = %url, "migrations applied");
            Ok(())
        }
        Command::Serve => {
            crate::telemetry::init(&config.log_level, &config.log_format)?;
            std::fs::create_dir_all(&config.data_dir)
                .map_err(|err| format!("cannot create the data directory {}: {err}", config.data_dir.display()))?;
            actix_web::rt::System::new().block_on(crate::startup::serve(config))
        }
    }
}
