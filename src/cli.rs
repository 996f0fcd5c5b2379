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
    /// Create an admin account (the password is asked for, or read from stdin).
    CreateAdmin {
        /// Email of the new admin.
        #[arg(long)]
        email: String,
        /// Read the password from the first line of standard input instead of a prompt.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Fill the database with a deterministic demo data set across the 20 branches
    /// (about 10,000 volunteers per unit of scale; demo accounts' password:
    /// `demo-outreach-2026`).
    SeedDemo {
        /// Size of the data set: volunteers grow linearly (scale 1 is about 10,000).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
        scale: u32,
        /// Replace the volunteers, localities, member organisations and demo
        /// accounts already in the database instead of refusing.
        #[arg(long)]
        force: bool,
    },
    /// Write a consistent copy of the SQLite database to a new file while the
    /// server may keep running (PostgreSQL: use pg_dump, see docs/deploy.md).
    Backup {
        /// The file to write; it must not exist.
        #[arg(long)]
        to: std::path::PathBuf,
    },
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
        Command::CreateAdmin { email, password_stdin } => {
            crate::telemetry::init(&config.log_level, &config.log_format)?;
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line).map_err(|err| format!("cannot read the password: {err}"))?;
                line.trim_end_matches(['\r', '\n']).to_owned()
            } else {
                rpassword::prompt_password(format!("Password for {email}: "))
                    .map_err(|err| format!("cannot read the password: {err}"))?
            };
            let state = crate::startup::prepare(config)?;
            state.db.run_blocking(|conn| {
                crate::auth::bootstrap::create_admin(conn, &state.passwords, &email, Some(&password))
            })?;
            eprintln!("admin {email} created");
            Ok(())
        }
        Command::SeedDemo { scale, force } => crate::seed::run(&config.database_url, scale, force),
        Command::Backup { to } => {
            crate::db::backup::backup(&config.database_url, &to)?;
            eprintln!("backup written to {}", to.display());
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
