//! argon2id password hashing. Callers run these on the blocking pool: a hash costs
//! tens of milliseconds of CPU by design.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, OnceLock, mpsc};
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit, oneshot};

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::error::ApiError;

/// argon2 with `params` over `password` and `salt` into `out`. Its working memory
/// (7 MiB at our cost, see [`MEMORY_KIB`]) is allocated for the hash and freed
/// after it: with the server's allocator (jemalloc, see Cargo.toml) a freed array
/// goes back to the system within half a second, so the arrays are resident only
/// while logins are being verified. (With glibc's malloc they stayed in the
/// hashing threads' heaps; BENCHMARKS.md, section 5.)
fn compute(argon: &Argon2<'_>, password: &str, salt: &[u8], out: &mut [u8]) -> Result<(), argon2::Error> {
    let mut blocks = vec![Block::default(); argon.params().block_count()];
    argon.hash_password_into_with_memory(password.as_bytes(), salt, out, &mut blocks[..])
}

/// The cost of new hashes: argon2id with 7 MiB, 5 passes, 1 lane, the least
/// memory of the configurations OWASP's password storage cheat sheet lists as
/// equally strong as 19 MiB with 2 passes (argon2's default), for about the same
/// CPU time. Chosen for the memory each hash in flight takes: the hashes of
/// logins at peak were the server's highest resident memory (BENCHMARKS.md).
/// Hashes stored with other costs (9 MiB and 4 passes before) keep verifying
/// with their own, and are made anew at the next login ([`is_current`]).
const MEMORY_KIB: u32 = 7 * 1024;
const PASSES: u32 = 5;

fn hasher() -> Result<Argon2<'static>, argon2::Error> {
    let params = Params::new(MEMORY_KIB, PASSES, 1, Some(Params::DEFAULT_OUTPUT_LEN))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// A new argon2id hash of `password` with a random salt, as a PHC string.
pub fn hash(password: &str) -> Result<String, ApiError> {
    let argon = hasher().map_err(|err| ApiError::internal(format!("argon2: {err}")))?;
    hash_with(&argon, password)
}

fn hash_with(argon: &Argon2<'_>, password: &str) -> Result<String, ApiError> {
    let failed = |err: &dyn std::fmt::Display| ApiError::internal(format!("argon2: {err}"));
    let salt = argon2::password_hash::try_generate_salt().map_err(|err| failed(&err))?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    compute(argon, password, &salt, &mut out).map_err(|err| failed(&err))?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(argon.params()).map_err(|err| failed(&err))?,
        salt: Some(Salt::new(&salt).map_err(|err| failed(&err))?),
        hash: Some(Output::new(&out).map_err(|err| failed(&err))?),
    };
    Ok(hash.to_string())
}

/// At most this many hashes are admitted at once (running on the hashing threads
/// or queued for them), whatever the request load; the others wait for a slot.
const HASHING_SLOTS: usize = 4;
/// How long a request waits for a hashing slot before answering 503.
const HASHING_WAIT: Duration = Duration::from_secs(10);

/// Threads that hash and verify passwords: as many as the cores of the machine
/// this is sized for, since more add no throughput. Hashing on a few threads of
/// its own, rather than on the shared blocking pool, also bounds memory: each
/// hash allocated argon2's block array afresh and glibc kept freed arrays in the
/// heap of the thread that used them, so hashing on dozens of pool threads grew
/// the server to 0.8-1.9 GB under login load (BENCHMARKS.md, section 3).
const HASHING_THREADS: usize = 2;

type HashingJob = Box<dyn FnOnce() + Send>;

/// One application's password hashing: its threads (started on first use, ended
/// when the hasher is dropped) and the slots that admit work to them.
pub struct PasswordHasher {
    slots: Semaphore,
    /// The queue of the hashing threads; `None` when they could not be started.
    queue: OnceLock<Option<mpsc::Sender<HashingJob>>>,
}

impl Default for PasswordHasher {
    fn default() -> Self {
        Self { slots: Semaphore::new(HASHING_SLOTS), queue: OnceLock::new() }
    }
}

impl PasswordHasher {
    fn queue(&self) -> Option<&mpsc::Sender<HashingJob>> {
        self.queue.get_or_init(start_hashing_threads).as_ref()
    }

    /// Queues `job` for the hashing threads.
    fn submit(&self, job: HashingJob) -> Result<(), ApiError> {
        self.queue()
            .ok_or_else(|| ApiError::internal("the password-hashing threads could not be started"))?
            .send(job)
            .map_err(|_| ApiError::internal("the password-hashing threads stopped"))
    }

    /// Runs `work` (a hash or a verification) on the hashing threads once a
    /// hashing slot is free.
    async fn with_slot<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
        let slot = tokio::time::timeout(HASHING_WAIT, self.slots.acquire())
            .await
            .map_err(|_| ApiError::unavailable("every password-hashing slot stayed busy"))?
            .map_err(ApiError::internal)?;
        self.run_holding(slot, work).await
    }

    /// Runs `work` on the hashing threads, holding `_slot` until it is done.
    async fn run_holding<T: Send + 'static>(
        &self,
        _slot: SemaphorePermit<'_>,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let (reply, result) = oneshot::channel();
        self.submit(Box::new(move || {
            let _ = reply.send(work());
        }))?;
        result.await.map_err(|_| ApiError::internal("a password-hashing job ended without a result"))
    }

    /// [`hash`] on the hashing threads, waiting for it: for start-up and the
    /// command line (outside the async runtime), so that no other thread
    /// allocates argon2's working memory for good.
    pub fn hash_blocking(&self, password: &str) -> Result<String, ApiError> {
        let (reply, result) = mpsc::channel();
        let password = password.to_owned();
        self.submit(Box::new(move || {
            let _ = reply.send(hash(&password));
        }))?;
        result.recv().map_err(|_| ApiError::internal("a password-hashing job ended without a result"))?
    }

    /// [`hash`], bounded and off the async workers.
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.with_slot(move || hash(&password)).await?
    }

    /// [`hash`] if a hashing slot is free right now, else `None` (a failure is
    /// logged and `None` too): for work that can wait for a quieter time, such
    /// as a hash made anew at the current cost, which must not slow a login at peak.
    pub async fn hash_if_free(&self, password: String) -> Option<String> {
        let slot = self.slots.try_acquire().ok()?;
        match self.run_holding(slot, move || hash(&password)).await.and_then(|hashed| hashed) {
            Ok(hashed) => Some(hashed),
            Err(error) => {
                tracing::warn!(%error, "a password hash could not be made anew; the next login tries again");
                None
            }
        }
    }

    /// [`verify`], bounded and off the async workers.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, ApiError> {
        self.with_slot(move || verify(&password, stored.as_deref())).await
    }
}

/// Starts the hashing threads; they end when the last sender is dropped.
fn start_hashing_threads() -> Option<mpsc::Sender<HashingJob>> {
    let (sender, receiver) = mpsc::channel::<HashingJob>();
    let receiver = Arc::new(Mutex::new(receiver));
    for index in 0..HASHING_THREADS {
        let receiver = Arc::clone(&receiver);
        let started = std::thread::Builder::new().name(format!("password-hashing-{index}")).spawn(move || {
            loop {
                // The lock is held only while waiting for the next job.
                let job = match receiver.lock() {
                    Ok(receiver) => receiver.recv(),
                    Err(_) => return,
                };
                let Ok(job) = job else { return };
                // A panicking job drops its reply channel (the caller gets a 500)
                // and leaves the thread serving.
                let _ = catch_unwind(AssertUnwindSafe(job));
            }
        });
        if let Err(err) = started {
            tracing::error!(error = %err, "cannot start a password-hashing thread");
            return None;
        }
    }
    Some(sender)
}

/// Whether `stored` was made with the current algorithm, version and cost: a
/// hash of an older cost is replaced at the account's next successful login,
/// the only time the password is known.
pub fn is_current(stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else { return false };
    let Ok(params) = Params::try_from(&parsed) else { return false };
    parsed.algorithm == Algorithm::Argon2id.ident()
        && parsed.version == Some(Version::V0x13.into())
        && (params.m_cost(), params.t_cost(), params.p_cost()) == (MEMORY_KIB, PASSES, 1)
}

/// Whether `password` matches `stored`. With no stored hash (unknown account) a
/// dummy hash is checked anyway, so both failures take the same time.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    match stored {
        Some(stored) => matches(password, stored),
        None => {
            let dummy = DUMMY.get_or_init(|| hash("outreach-dummy-password-for-timing").unwrap_or_default());
            let _ = matches(password, dummy);
            false
        }
    }
}

/// Recomputes the hash with the algorithm, version, cost and salt stored with it
/// and compares in constant time (`Output`'s equality), as argon2's own verifier
/// does, but in the reused working memory.
fn matches(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else { return false };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else { return false };
    let (Ok(params), Ok(algorithm)) = (Params::try_from(&parsed), Algorithm::try_from(parsed.algorithm.as_str()))
    else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
    };
    let argon = Argon2::new(algorithm, version, params);
    let mut computed = vec![0u8; expected.len()];
    compute(&argon, password, salt.as_ref(), &mut computed).is_ok()
        && Output::new(&computed).is_ok_and(|computed| &computed == expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse battery").unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{stored}");
        assert!(verify("correct horse battery", Some(&stored)));
        assert!(!verify("correct horse battery!", Some(&stored)));
        assert!(!verify("correct horse battery", None));
        assert!(is_current(&stored));
        let older_cost = Params::new(9 * 1024, 4, 1, Some(Params::DEFAULT_OUTPUT_LEN)).unwrap();
        let older = hash_with(&Argon2::new(Algorithm::Argon2id, Version::V0x13, older_cost), "pw").unwrap();
        assert!(older.starts_with("$argon2id$v=19$m=9216,t=4,p=1$"), "{older}");
        assert!(verify("pw", Some(&older)), "an older cost still verifies");
        assert!(!is_current(&older) && !is_current("not a hash"));
    }

    #[test]
    fn hashes_made_by_argon2_itself_still_verify() {
        use argon2::PasswordHasher;
        let theirs = Argon2::default().hash_password(b"pa55word-from-before").unwrap().to_string();
        assert!(verify("pa55word-from-before", Some(&theirs)));
        assert!(!verify("pa55word-from-beforE", Some(&theirs)));
        // And argon2's verifier accepts ours.
        use argon2::PasswordVerifier;
        let ours = hash("our own").unwrap();
        assert!(Argon2::default().verify_password(b"our own", &PasswordHash::new(&ours).unwrap()).is_ok());
        assert!(!verify("our own", Some("$argon2id$v=19$m=19456,t=2,p=1$bm90LWEtaGFzaA")));
    }
}
