//! Structured logs through `tracing`.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber: human-readable text or JSON lines, filtered by
/// `LOG_LEVEL`.
pub fn init(log_level: &str, format: &str) -> Result<(), String> {
    let filter =
        EnvFilter::try_new(log_level).map_err(|err| format!("LOG_LEVEL {log_level:?} is not a valid filter: {err}"))?;
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi);
    let result = if format == "json" { builder.json().flatten_event(true).try_init() } else { builder.try_init() };
    result.map_err(|err| format!("cannot install the logger: {err}"))
}
