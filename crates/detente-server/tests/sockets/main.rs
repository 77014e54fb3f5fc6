//! Tests over real loopback sockets: the connection timeouts (`timeouts.rs`) and the release of
//! a request's admission when its client goes away (`cancel.rs`); the soak is `../soak.rs`, in
//! its own binary so that its RSS and timing are its own. Every server binds 127.0.0.1:0; every
//! loop is bounded in count and time, and every socket operation has a timeout.

#![expect(clippy::unwrap_used, reason = "tests")]

mod cancel;
mod timeouts;

#[path = "../common/mod.rs"]
mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::*;
use detente_server::Limits;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
