//! `detente serve`: the HTTP API and dashboard (crate `detente-server`) on a local port.
//!
//! Binds 127.0.0.1 unless `--bind` says otherwise; any address that is not loopback needs an
//! access token (`--token` or the `DETENTE_TOKEN` environment variable), because the API would
//! otherwise be open to the network.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use detente_server::ServerConfig;
use miette::Report;

use crate::Failure;

/// Shortest token accepted: shorter ones are guessable.
const MIN_TOKEN_LEN: usize = 16;

/// Arguments of `detente serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on; anything but loopback requires a token.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,
    /// Port to listen on (0 picks a free one and prints it).
    #[arg(long, default_value_t = 8321)]
    port: u16,
    /// Access token required on API calls (default: the DETENTE_TOKEN environment variable).
    #[arg(long)]
    token: Option<String>,
    /// Run store that `GET /api/runs` reads (read-only; the one `--save` and `runs` use).
    #[arg(long)]
    db: Option<std::path::PathBuf>,
}

/// Runs the server until Ctrl-C.
pub fn run(args: &ServeArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let token = args
        .token
        .clone()
        .or_else(|| std::env::var("DETENTE_TOKEN").ok())
        .filter(|t| !t.is_empty());
    if let Some(t) = &token
        && t.len() < MIN_TOKEN_LEN
    {
        return Err(Failure::Input(Report::msg(format!(
            "the access token is {} characters, shorter than {MIN_TOKEN_LEN}\n  help: use a long random token, e.g. from `openssl rand -hex 24`",
            t.len()
        ))));
    }
    if let Some(t) = &token
        && t.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(Failure::Input(Report::msg(
            "the access token contains spaces or control characters\n  help: use a long random token without spaces, e.g. from `openssl rand -hex 24`",
        )));
    }
    if !args.bind.is_loopback() && token.is_none() {
        return Err(Failure::Input(Report::msg(format!(
            "binding to {} would open the API to the network without an access token\n  help: pass --token TOKEN or set DETENTE_TOKEN, or leave --bind at 127.0.0.1",
            args.bind
        ))));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Internal(Report::msg(format!("cannot start the runtime: {e}"))))?;
    runtime.block_on(async {
        let addr = SocketAddr::new(args.bind, args.port);
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
            Failure::Input(Report::msg(format!(
                "cannot listen on {addr}: {e}\n  help: pick another --port, or --port 0 for any free one"
            )))
        })?;
        let local = listener.local_addr()?;
        // The banner is best effort: a closed stdout (a supervisor that read the port and went
        // away) must not stop the server.
        let _ = writeln!(out, "detente serve: listening on http://{local}/");
        if token.is_some() {
            let _ = writeln!(
                out,
                "API calls need `Authorization: Bearer <token>`; open the dashboard at http://{local}/#token=<token>"
            );
        }
        let _ = writeln!(out, "Press Ctrl-C to stop.");
        let _ = out.flush();
        let config = ServerConfig {
            token,
            runs_db: args.db.clone(),
            ..ServerConfig::default()
        };
        detente_server::serve(listener, config)
            .await
            .map_err(|e| Failure::Internal(Report::msg(format!("server error: {e}"))))
    })
}
