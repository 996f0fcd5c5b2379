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
    /// Anonymise the volunteers whose personal data is past the retention
    /// period (`RETENTION_DAYS` after `POLLING_DAY`, or after their record last
    /// changed if later) and erase their accounts' personal fields; statistics
    /// stay. One of `--dry-run` (list them, change nothing) or `--apply`.
    Retention {
        /// Only report who is past the period.
        #[arg(long, conflicts_with = "apply", required_unless_present = "apply")]
        dry_run: bool,
        /// Anonymise them.
        #[arg(long)]
        apply: bool,
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
    /// Check the audit log's hash chain (tamper evidence).
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Write a consistent copy of the SQLite database to a new file while the
    /// server may keep running (PostgreSQL: use pg_dump, see docs/deploy.md).
    Backup {
        /// The file to write; it must not exist.
        #[arg(long)]
        to: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the audit log's hash chain from its anchor to its head and name the
    /// first broken link (an edited, missing or unchained entry); exits non-zero
    /// when there is one.
    Verify,
    /// Delete the audit entries recorded before a day (UTC), the oldest part of
    /// the chain, keeping the last one deleted as the chain's anchor.
    Prune {
        /// The first day kept, `YYYY-MM-DD`.
        #[arg(long)]
        before: chrono::NaiveDate,
    },
}

/// `outreach audit verify`: a summary when the chain holds, else an error
/// naming the first broken link (the command then exits non-zero).
pub fn verify_audit_chain(db: &crate::db::Db) -> Result<String, String> {
    let check = db.run_blocking(|conn| crate::db::audit_chain::verify(conn).map_err(|err| err.to_string()))?;
    match check.broken {
        None => Ok(format!(
            "audit chain intact: {} entries, chain_seq {} to {}, head hash {}",
            check.entries,
            check.head.anchor_seq + 1,
            check.head.last_seq,
            check.head.last_hash
        )),
        Some(broken) => Err(format!("audit chain broken at {broken} ({} entries before it verified)", check.entries)),
    }
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
        Command::Retention { dry_run, apply } => {
            crate::telemetry::init(&config.log_level, &config.log_format)?;
            let polling_day = config.polling_day.ok_or("POLLING_DAY is not set: retention runs from polling day")?;
            let policy = crate::domain::retention::RetentionPolicy { polling_day, days: config.retention_days };
            let apply = apply && !dry_run;
            let state = crate::startup::prepare(config)?;
            let now = crate::domain::time::now();
            let outcome = actix_web::rt::System::new()
                .block_on(crate::service::retention::run(&state.db, policy, now, apply))
                .map_err(|err| format!("retention failed: {err:?}"))?;
            match outcome.cutoff {
                None => println!(
                    "nothing to do: the retention period ends {} days after polling day {polling_day}",
                    policy.days
                ),
                Some(cutoff) => {
                    let verb =
                        if apply { "anonymised" } else { "past the retention period (dry run, nothing changed)" };
                    println!(
                        "{} volunteers {verb}: not changed since {cutoff} UTC; {} accounts erased",
                        outcome.volunteers.len(),
                        outcome.accounts_erased
                    );
                    if !apply {
                        for id in &outcome.volunteers {
                            println!("{id}");
                        }
                    }
                }
            }
            Ok(())
        }
        Command::Audit { command } => {
            crate::telemetry::init(&config.log_level, &config.log_format)?;
            let state = crate::startup::prepare(config)?;
            match command {
                AuditCommand::Verify => println!("{}", verify_audit_chain(&state.db)?),
                AuditCommand::Prune { before } => {
                    let before = before.and_time(chrono::NaiveTime::MIN);
                    let anchor = state.db.run_blocking(|conn| {
                        crate::db::audit_chain::prune_before(conn, before).map_err(|err| format!("{err:?}"))
                    })?;
                    match anchor {
                        None => println!("nothing to prune before {before}"),
                        Some((seq, hash)) => println!("pruned through chain_seq {seq}; anchor hash {hash}"),
                    }
                }
            }
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
