//! Everything the emulator holds, shared by the connections it serves.
//!
//! Each service's state sits behind its own `std::sync::Mutex`: handlers are short and never
//! await while holding a lock, so a blocking mutex is simpler and faster than an async one
//! (mini-redis `db.rs` makes the same choice).

use crate::clock::{Clock, ScaledClock};
use crate::config::EmulatorConfig;
use crate::identity::Sessions;
use crate::services::iam::IamState;
use std::sync::Mutex;

pub struct Shared {
    pub config: EmulatorConfig,
    pub clock: Box<dyn Clock>,
    pub sessions: Mutex<Sessions>,
    pub iam: Mutex<IamState>,
}

impl Shared {
    pub fn new(config: EmulatorConfig) -> Self {
        let clock = Box::new(ScaledClock::new(config.clock_speed));
        Self { config, clock, sessions: Mutex::default(), iam: Mutex::default() }
    }
}

/// Locks a service's state. A handler that panicked while holding the lock left it poisoned;
/// the state itself is still consistent (every handler validates before it mutates), so the
/// emulator keeps serving rather than failing every later request.
pub fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
