//! The `mulu` command line: one module per subcommand, every argument in `args`, and one error
//! type for what stops the binary.

mod args;
mod audit;
mod error;
mod harvest;
mod import;
mod org;
mod people;
mod reindex;
mod serve;

use std::process::ExitCode;

pub use args::{Cli, WebArgs};
pub use error::CliError;

use args::{AuditCommand, Command, OrgCommand, TokenCommand};

pub async fn run(cli: Cli) -> ExitCode {
    let outcome = match cli.command {
        Command::Serve(args) => serve::run(*args).await,
        Command::Reindex(args) => reindex::run(args).await,
        Command::Import(args) => import::run(args).await,
        Command::Harvest { command } => harvest::run(command).await,
        Command::User { command } => people::run(command).await,
        Command::Openapi => {
            print!("{}", crate::routes::document_json());
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit {
            command: AuditCommand::Verify(db),
        } => audit::verify(db).await,
        Command::Audit {
            command: AuditCommand::Export(db),
        } => audit::export(db).await,
        Command::Audit {
            command: AuditCommand::VerifyExport { file },
        } => audit::verify_export(&file),
        Command::Org {
            command:
                OrgCommand::Create {
                    db,
                    uscc,
                    name,
                    region,
                    kinds,
                },
        } => org::create(db, &uscc, &name, &region, &kinds).await,
        Command::Token {
            command: TokenCommand::Create(args),
        } => people::token_create(args).await,
    };
    match outcome {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::from(2)
        }
    }
}
