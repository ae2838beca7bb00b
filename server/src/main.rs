//! `webhooks-console`: parse the command line, start logging, run the subcommand.

use std::process::ExitCode;

use webhooks_console::{
    cli::{self, ParseOutcome},
    commands, telemetry,
};

fn main() -> ExitCode {
    let cli = match cli::parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(ParseOutcome::Info(text)) => {
            print!("{text}");
            return ExitCode::SUCCESS;
        }
        Err(ParseOutcome::Usage(line)) => return commands::fail(commands::USAGE, &line),
    };
    if let Err(e) = telemetry::init_logging(&cli.global.log) {
        return commands::fail(commands::USAGE, &e);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return commands::fail(1, &e),
    };
    runtime.block_on(commands::run(cli))
}
