//! Running the `detente` binary and checking what it did: `Command::cargo_bin("detente")`, then
//! `.assert().code(2).stderr(predicate::str::contains("..."))`.
//!
//! This is the part of assert_cmd and predicates the tests use, on `std::process::Command`. The
//! two crates brought eleven more (regex-automata through bstr among them), about 20 s of CPU in
//! every fresh test build, for a substring check and an exit code. A failed check panics at
//! the caller's line with the command line, the exit status and both output streams.

use std::fmt::Write as _;
use std::process::Output;

pub use std::process::Command;

/// What the tests add to `std::process::Command`.
pub trait CommandExt {
    /// The workspace binary `name` (only `detente` is built here).
    fn cargo_bin(name: &str) -> Result<Command, String>;
    /// Runs the command to its end and keeps its output for checks.
    fn assert(&mut self) -> Assert;
}

impl CommandExt for Command {
    fn cargo_bin(name: &str) -> Result<Command, String> {
        match name {
            "detente" => Ok(Command::new(detente_path())),
            other => Err(format!(
                "no binary {other:?} in detente-cli; it builds `detente`"
            )),
        }
    }

    #[track_caller]
    fn assert(&mut self) -> Assert {
        let output = self
            .output()
            .unwrap_or_else(|e| panic!("could not run {self:?}: {e}"));
        Assert {
            command: format!("{self:?}"),
            output,
        }
    }
}

/// The path of the `detente` binary cargo built for these tests.
pub fn detente_path() -> &'static str {
    env!("CARGO_BIN_EXE_detente")
}

/// A finished run of a command, for checks that each panic when they fail.
pub struct Assert {
    command: String,
    output: Output,
}

impl Assert {
    /// The run's exit status, stdout and stderr.
    pub fn get_output(&self) -> &Output {
        &self.output
    }

    /// The command exited with status 0.
    #[track_caller]
    pub fn success(self) -> Self {
        if !self.output.status.success() {
            self.fail("expected success (exit status 0)");
        }
        self
    }

    /// The command exited with `code`.
    #[track_caller]
    pub fn code(self, code: i32) -> Self {
        if self.output.status.code() != Some(code) {
            self.fail(&format!("expected exit status {code}"));
        }
        self
    }

    /// Standard output (read as UTF-8, lossily) satisfies `p`.
    #[track_caller]
    pub fn stdout(self, p: impl Predicate) -> Self {
        if !p.eval(&String::from_utf8_lossy(&self.output.stdout)) {
            self.fail(&format!("expected stdout {}", p.describe()));
        }
        self
    }

    /// Standard error (read as UTF-8, lossily) satisfies `p`.
    #[track_caller]
    pub fn stderr(self, p: impl Predicate) -> Self {
        if !p.eval(&String::from_utf8_lossy(&self.output.stderr)) {
            self.fail(&format!("expected stderr {}", p.describe()));
        }
        self
    }

    #[track_caller]
    fn fail(&self, what: &str) -> ! {
        let mut message = format!(
            "{what}\ncommand: {}\nstatus: {}",
            self.command, self.output.status
        );
        for (name, bytes) in [
            ("stdout", &self.output.stdout),
            ("stderr", &self.output.stderr),
        ] {
            let _ = write!(
                message,
                "\n--- {name} ---\n{}",
                String::from_utf8_lossy(bytes)
            );
        }
        panic!("{message}");
    }
}

/// A check of a command's output text.
pub trait Predicate {
    /// Whether `text` passes.
    fn eval(&self, text: &str) -> bool;
    /// What passes, for the failure message ("contains \"...\"").
    fn describe(&self) -> String;

    /// Both this and `other` pass.
    fn and<P: Predicate>(self, other: P) -> And<Self, P>
    where
        Self: Sized,
    {
        And(self, other)
    }

    /// This does not pass.
    fn not(self) -> Not<Self>
    where
        Self: Sized,
    {
        Not(self)
    }
}

/// See [`Predicate::and`].
pub struct And<A, B>(A, B);

impl<A: Predicate, B: Predicate> Predicate for And<A, B> {
    fn eval(&self, text: &str) -> bool {
        self.0.eval(text) && self.1.eval(text)
    }
    fn describe(&self) -> String {
        format!("{} and {}", self.0.describe(), self.1.describe())
    }
}

/// See [`Predicate::not`].
pub struct Not<A>(A);

impl<A: Predicate> Predicate for Not<A> {
    fn eval(&self, text: &str) -> bool {
        !self.0.eval(text)
    }
    fn describe(&self) -> String {
        format!("not {}", self.0.describe())
    }
}

/// The predicates, by the names the tests use.
pub mod predicate {
    use super::Predicate;

    /// Predicates on text.
    pub mod str {
        use super::Predicate;

        /// The text contains `needle`.
        pub fn contains(needle: impl Into<String>) -> Contains {
            Contains(needle.into())
        }

        /// See [`contains`].
        pub struct Contains(String);

        impl Predicate for Contains {
            fn eval(&self, text: &str) -> bool {
                text.contains(&self.0)
            }
            fn describe(&self) -> String {
                format!("to contain {:?}", self.0)
            }
        }
    }

    /// The text passes the test `f`.
    pub fn function<F: Fn(&str) -> bool>(f: F) -> Function<F> {
        Function(f)
    }

    /// See [`function`].
    pub struct Function<F>(F);

    impl<F: Fn(&str) -> bool> Predicate for Function<F> {
        fn eval(&self, text: &str) -> bool {
            (self.0)(text)
        }
        fn describe(&self) -> String {
            "to pass the test's own check".to_owned()
        }
    }
}

/// `use crate::cmd::prelude::*` brings the predicates and their combinators.
pub mod prelude {
    pub use super::Predicate;
    pub use super::predicate;
}
