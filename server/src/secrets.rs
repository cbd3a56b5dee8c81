//! Secrets: random tokens (sessions, API keys, the ingest secret) and their fast hash,
//! and passwords, hashed with Argon2 on a few threads of their own.
//!
//! A leaf of the server: it knows nothing of requests or of the application state, which
//! holds a [`Passwords`].

use crate::error::{ApiError, ApiResult};
use argon2::password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// A fresh random secret: 32 bytes, base64url without padding (43 characters).
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// How secrets (session tokens, API keys) are stored: they are random and long, so a
/// fast hash suffices; a slow one would only slow every request down.
pub fn sha256_hex(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Argon2's working memory (19 MiB with the default parameters), kept by a password
/// thread and reused for every hash it computes: the memory is taken once per thread, not
/// once per hash, so it cannot pile up in the allocator however many sign-ins arrive.
#[derive(Default)]
pub struct Scratch {
    blocks: Vec<Block>,
}

impl Scratch {
    /// At least `count` blocks.
    fn blocks(&mut self, count: usize) -> &mut [Block] {
        if self.blocks.len() < count {
            self.blocks = vec![Block::default(); count];
        }
        &mut self.blocks[..count]
    }
}

fn hashing_failed(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(format!("hashing a password: {e}"))
}

/// Hashes a password with argon2id (default parameters) into a PHC string, here and now
/// (blocking), in `scratch`.
fn hash_now(password: &str, scratch: &mut Scratch) -> ApiResult<String> {
    let params = Params::default();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes).map_err(hashing_failed)?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon
        .hash_password_into_with_memory(
            password.as_bytes(),
            salt_bytes,
            &mut out,
            scratch.blocks(params.block_count()),
        )
        .map_err(hashing_failed)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(hashing_failed)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(hashing_failed)?),
    };
    Ok(phc.to_string())
}

/// Whether `candidate` matches the PHC string `stored`, computed in `scratch`.
fn matches(stored: &str, candidate: &str, scratch: &mut Scratch) -> Option<bool> {
    let phc = PasswordHash::new(stored).ok()?;
    let algorithm = Algorithm::try_from(phc.algorithm).ok()?;
    let version = phc
        .version
        .map_or(Ok(Version::default()), Version::try_from)
        .ok()?;
    let params = Params::try_from(&phc).ok()?;
    let expected = phc.hash?;
    let mut salt = [0u8; 64];
    let salt = phc.salt?.decode_b64(&mut salt).ok()?;
    let mut out = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params.clone())
        .hash_password_into_with_memory(
            candidate.as_bytes(),
            salt,
            &mut out,
            scratch.blocks(params.block_count()),
        )
        .ok()?;
    // `Output` compares in constant time.
    Some(Output::new(&out).ok()? == expected)
}

/// Checks a password against a stored hash, here and now (blocking); `None` checks
/// against a dummy hash, so an unknown email takes as long as a wrong password.
fn verify_now(stored: Option<&str>, candidate: &str, scratch: &mut Scratch) -> bool {
    let known = stored.is_some();
    let phc = stored.unwrap_or_else(|| dummy_hash());
    let ok = matches(phc, candidate, scratch).unwrap_or(false);
    known && ok
}

/// Hashes a password off the async threads (the command line, demo data and tests; the
/// server's requests go through [`Passwords`]).
pub async fn hash_password(password: &str) -> ApiResult<String> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash_now(&password, &mut Scratch::default()))
        .await
        .map_err(|e| ApiError::Internal(format!("hashing task: {e}")))?
}

/// The server's password hashing: a few dedicated threads and a short bounded queue.
///
/// Each Argon2 run takes 19 MiB and tens of milliseconds of a core. Run on demand in
/// blocking tasks, a burst of sign-ins (which need no account) would run hundreds at once
/// and keep the memory; here at most `workers` run, each thread reusing its own memory,
/// and a request that finds the queue full is refused at once with 503 rather than piling
/// up. Cheap to clone.
#[derive(Clone)]
pub struct Passwords {
    jobs: tokio::sync::mpsc::Sender<Job>,
}

type Job = Box<dyn FnOnce(&mut Scratch) + Send>;

/// Answer of a refused hashing request: wait about this long.
const BUSY_RETRY_SECS: u64 = 1;

impl Passwords {
    /// Starts `workers` threads (at least one) behind a queue of `queue` waiting requests.
    /// The threads end when the last clone is dropped.
    pub fn start(workers: usize, queue: usize) -> std::io::Result<Passwords> {
        let (jobs, rx) = tokio::sync::mpsc::channel::<Job>(queue.max(1));
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        for n in 0..workers.max(1) {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("castboard-passwords-{n}"))
                .spawn(move || {
                    let mut scratch = Scratch::default();
                    loop {
                        // The lock is held only while taking a job, not while running it.
                        let job = match rx.lock() {
                            Ok(mut rx) => rx.blocking_recv(),
                            Err(_) => None,
                        };
                        match job {
                            Some(job) => job(&mut scratch),
                            None => break,
                        }
                    }
                })?;
        }
        Ok(Passwords { jobs })
    }

    /// Runs `work` on a password thread, or refuses at once when the queue is full.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Scratch) -> T + Send + 'static,
    ) -> ApiResult<T> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |scratch| {
            let _ = tx.send(work(scratch));
        });
        self.jobs.try_send(job).map_err(|_| ApiError::Unavailable {
            message: "The server is busy checking passwords; try again in a moment.".into(),
            retry_after_secs: Some(BUSY_RETRY_SECS),
        })?;
        rx.await
            .map_err(|_| ApiError::Internal("a password thread stopped".into()))
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: &str) -> ApiResult<String> {
        let password = password.to_string();
        self.run(move |scratch| hash_now(&password, scratch))
            .await?
    }

    /// Checks a password against a stored hash (`None`: an unknown account, checked
    /// against a dummy hash so it takes as long).
    pub async fn verify(&self, stored: Option<String>, candidate: &str) -> ApiResult<bool> {
        let candidate = candidate.to_string();
        self.run(move |scratch| verify_now(stored.as_deref(), &candidate, scratch))
            .await
    }
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_now(&random_secret(), &mut Scratch::default()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_verify_only_against_their_hash() {
        let passwords = Passwords::start(1, 4).expect("threads start");
        let h = passwords
            .hash("correct horse battery")
            .await
            .expect("hashes");
        assert!(h.starts_with("$argon2id$"));
        assert!(passwords
            .verify(Some(h.clone()), "correct horse battery")
            .await
            .expect("runs"));
        assert!(!passwords
            .verify(Some(h), "correct horse batterY")
            .await
            .expect("runs"));
        assert!(!passwords
            .verify(None, "correct horse battery")
            .await
            .expect("runs"));
        assert!(hash_password("x")
            .await
            .expect("hashes")
            .starts_with("$argon2id$"));
    }

    #[test]
    fn hashes_are_standard_phc_strings_that_argon2_itself_verifies() {
        use argon2::password_hash::PasswordVerifier;
        let mut scratch = Scratch::default();
        let ours = hash_now("correct horse battery", &mut scratch).expect("hashes");
        assert!(
            ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{ours}"
        );
        let parsed = PasswordHash::new(&ours).expect("PHC");
        assert!(Argon2::default()
            .verify_password(b"correct horse battery", &parsed)
            .is_ok());
        // And hashes made by the library (as stored before) verify here.
        use argon2::password_hash::PasswordHasher;
        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::default()
            .hash_password(b"an older password", &salt)
            .expect("hashes")
            .to_string();
        assert_eq!(
            matches(&theirs, "an older password", &mut scratch),
            Some(true)
        );
        assert_eq!(
            matches(&theirs, "an older passwore", &mut scratch),
            Some(false)
        );
        assert_eq!(matches("not a hash", "x", &mut scratch), None);
        assert_eq!(scratch.blocks.len(), Params::default().block_count());
    }

    #[tokio::test]
    async fn a_full_queue_is_refused_at_once_and_the_rest_still_run() {
        let passwords = Passwords::start(1, 2).expect("threads start");
        let gate = std::sync::Arc::new(std::sync::Barrier::new(2));
        // The one worker is held until the gate opens; two more fill the queue.
        let (started, running) = tokio::sync::oneshot::channel();
        let held = {
            let (p, gate) = (passwords.clone(), gate.clone());
            tokio::spawn(async move {
                p.run(move |_| {
                    let _ = started.send(());
                    gate.wait();
                })
                .await
                .is_ok()
            })
        };
        running.await.expect("the worker takes the first job");
        let queued: Vec<_> = (0..2)
            .map(|n| {
                let p = passwords.clone();
                tokio::spawn(async move { p.run(move |_| n).await })
            })
            .collect();
        while passwords.jobs.capacity() != 0 {
            tokio::task::yield_now().await;
        }

        let refused = passwords.run(|_| 9).await;

        assert!(matches!(
            refused,
            Err(ApiError::Unavailable {
                retry_after_secs: Some(1),
                ..
            })
        ));
        gate.wait();
        assert!(held.await.expect("joins"));
        let mut done = Vec::new();
        for q in queued {
            done.push(q.await.expect("joins").expect("ran"));
        }
        assert_eq!(done, vec![0, 1]);
    }

    #[test]
    fn secrets_are_long_and_distinct() {
        let (a, b) = (random_secret(), random_secret());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
