use clap::Parser;

// Imports and search allocate many small JSON values; glibc malloc spent a third of an import's CPU.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    api::cli::run(api::cli::Cli::parse()).await
}
