//! Waiting as AWS makes one wait. On AWS (and on the emulator under `--timing aws`) a change is
//! not ready the moment its call returns: a role cannot be assumed by Lambda for a few seconds,
//! a new function is `Pending`, an update is `InProgress`, a table is `CREATING`, a deployment
//! and a policy take a moment to propagate. The engine holds under that time here:
//!
//! - actions wait for what they made to be ready ([`function_ready`], [`table_active`]) and
//!   retry calls AWS refuses only because an earlier change has not settled ([`retrying`]),
//!   polling as the SDK's waiters do but at a pace that keeps a lab moving;
//! - checks that find a resource different from what the lab expects look again for a while
//!   after the last change these clients made ([`Settle::deadline`]), since what they observe
//!   may still be on its way; a check run long after any change answers at once.
//!
//! Against an emulator that answers instantly, the window is zero and every wait ends at its
//! first look.

use crate::clients::Clients;
use crate::failure::Failure;
use awslab_lab::Localized;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long after a change a check keeps looking for the expected state. AWS documents no
/// figure for propagation; IAM's and API Gateway's are commonly a few seconds, rarely over ten.
pub const AWS_WINDOW: Duration = Duration::from_secs(30);

/// The longest an action waits for something it made to become ready (a function `Active`, a
/// table `ACTIVE`): the SDK's own waiters allow minutes; a lab step should not hang longer.
pub const READY_WAIT: Duration = Duration::from_secs(180);

/// The longest an action retries a call that AWS refuses only for now (a role not yet
/// assumable, an update still in progress).
pub const RETRY_WAIT: Duration = Duration::from_secs(60);

/// When these clients last changed something, and how long changes take to settle on their
/// target.
#[derive(Debug, Clone)]
pub struct Settle {
    window: Duration,
    last_change: Arc<Mutex<Option<Instant>>>,
}

impl Settle {
    /// For a target where changes take time: AWS, or the emulator keeping AWS's time.
    pub fn aws() -> Self {
        Self::with_window(AWS_WINDOW)
    }

    /// For an emulator whose changes are ready at once.
    pub fn instant() -> Self {
        Self::with_window(Duration::ZERO)
    }

    fn with_window(window: Duration) -> Self {
        Self { window, last_change: Arc::new(Mutex::new(None)) }
    }

    /// Whether changes take time to settle on this target.
    pub fn keeps_time(&self) -> bool {
        !self.window.is_zero()
    }

    /// Notes that an action changed something just now.
    pub fn changed(&self) {
        *self.last_change.lock().unwrap_or_else(PoisonError::into_inner) = Some(Instant::now());
    }

    /// Until when a check that finds something else than expected should look again: the last
    /// change plus the window, or `None` when no change is that recent.
    pub fn deadline(&self) -> Option<Instant> {
        let last = (*self.last_change.lock().unwrap_or_else(PoisonError::into_inner))?;
        let deadline = last + self.window;
        (deadline > Instant::now()).then_some(deadline)
    }
}

/// The pause before the `attempt`th look again: short at first, then a second or two, as a
/// learner would refresh the console.
pub fn pause(attempt: u32) -> Duration {
    Duration::from_millis(match attempt {
        0 => 250,
        1 => 500,
        2..=4 => 1_000,
        _ => 2_000,
    })
}

/// Whether AWS refused a call only because an earlier change has not settled yet (see
/// [`crate::failure::is_settling`]).
pub fn is_transient(failure: &Failure) -> bool {
    crate::failure::is_settling(&failure.code, &failure.message)
}

/// Calls `call` until it succeeds, fails for a reason that is not [`is_transient`], or
/// [`RETRY_WAIT`] has passed (then answers the last failure).
pub async fn retrying<T, F, Fut>(clients: &Clients, mut call: F) -> Result<T, Failure>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, Failure>>,
{
    let started = Instant::now();
    let deadline = started + RETRY_WAIT;
    let mut attempt = 0;
    loop {
        match call().await {
            Err(failure)
                if clients.settle.keeps_time()
                    && is_transient(&failure)
                    && Instant::now() + pause(attempt) < deadline =>
            {
                let what = Localized::new(
                    format!("AWS가 앞의 변경을 마무리하기를({}, 다시 시도)", failure.code),
                    format!("AWS to finish an earlier change ({}; trying again)", failure.code),
                );
                clients.progress.waiting(&what, started);
                tokio::time::sleep(pause(attempt)).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// Looks with `look` until it says ready (`Ok(true)`), fails, or [`READY_WAIT`] has passed;
/// then answers `not_ready`. The pace of [`pause`]; each look that is not ready says that the
/// engine is waiting for `what`.
async fn poll<F, Fut>(
    clients: &Clients,
    what: Localized,
    not_ready: impl FnOnce() -> Failure,
    mut look: F,
) -> Result<(), Failure>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<bool, Failure>>,
{
    let started = Instant::now();
    let deadline = started + READY_WAIT;
    let mut attempt = 0;
    while !look().await? {
        if Instant::now() + pause(attempt) >= deadline {
            return Err(not_ready());
        }
        clients.progress.waiting(&what, started);
        tokio::time::sleep(pause(attempt)).await;
        attempt += 1;
    }
    Ok(())
}

/// Waits until the function `name` is `Active` with no update in progress, with the SDK's own
/// `function_active_v2` and `function_updated_v2` waiters (which poll `GetFunction` from one
/// second apart), saying meanwhile what it waits for. A function that failed to become active
/// or to update is a failure with Lambda's reason.
pub async fn function_ready(clients: &Clients, name: &str) -> Result<(), Failure> {
    use aws_sdk_lambda::client::Waiters;
    let what = Localized::new(
        format!("{name}이(가) Active가 되고 업데이트가 끝나기를"),
        format!("{name} to become Active with no update in progress"),
    );
    saying_while(clients, &what, async {
        let lambda = &clients.lambda;
        let active = lambda.wait_until_function_active_v2().function_name(name);
        active
            .wait(READY_WAIT)
            .await
            .map_err(|error| waiter_failure(name, "FunctionFailed", error))?;
        let updated = lambda.wait_until_function_updated_v2().function_name(name);
        updated
            .wait(READY_WAIT)
            .await
            .map_err(|error| waiter_failure(name, "FunctionUpdateFailed", error))?;
        Ok(())
    })
    .await
}

/// Runs `work`, saying every second after the first that the engine waits for `what`.
async fn saying_while<T>(
    clients: &Clients,
    what: &Localized,
    work: impl std::future::Future<Output = T>,
) -> T {
    let started = Instant::now();
    let mut every_second = tokio::time::interval_at(
        tokio::time::Instant::now() + Duration::from_secs(1),
        Duration::from_secs(1),
    );
    tokio::pin!(work);
    loop {
        tokio::select! {
            done = &mut work => return done,
            _ = every_second.tick() => clients.progress.waiting(what, started),
        }
    }
}

/// How a Lambda waiter ended without the function being ready, as a failure: Lambda's reason for
/// a function that failed (`failed_code`), the refusal of a `GetFunction` that failed, or the
/// deadline.
fn waiter_failure<E>(
    name: &str,
    failed_code: &str,
    error: aws_smithy_runtime_api::client::waiters::error::WaiterError<
        aws_sdk_lambda::operation::get_function::GetFunctionOutput,
        E,
    >,
) -> Failure
where
    E: aws_sdk_lambda::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    use aws_smithy_runtime_api::client::waiters::error::WaiterError;
    let local = |code: &str, reason: &str| {
        Failure::local("lambda", "GetFunction", code, format!("{name}: {reason}"))
    };
    match error {
        WaiterError::FailureState(state) => match state.final_poll().as_result() {
            Ok(answer) => {
                let config = answer.configuration();
                let reason = config
                    .and_then(|c| c.state_reason().or(c.last_update_status_reason()))
                    .unwrap_or("the function did not become ready");
                local(failed_code, reason)
            }
            Err(refusal) => Failure::local(
                "lambda",
                "GetFunction",
                refusal.code().unwrap_or("Unknown"),
                refusal.message().unwrap_or_default().to_string(),
            ),
        },
        WaiterError::ExceededMaxWait(_) => {
            local("FunctionNotReady", "still not ready after three minutes")
        }
        WaiterError::OperationFailed(failed) => {
            Failure::from_sdk("lambda", "GetFunction", failed.into_error())
        }
        other => local("ClientError", &other.to_string()),
    }
}

/// The table's status, or `None` when DynamoDB does not know it (yet, or any more).
async fn table_status(
    clients: &Clients,
    name: &str,
) -> Result<Option<aws_sdk_dynamodb::types::TableStatus>, Failure> {
    match clients.dynamodb.describe_table().table_name(name).send().await {
        Ok(answer) => Ok(answer.table().and_then(|table| table.table_status().cloned())),
        Err(error) => {
            let failure = Failure::from_sdk("dynamodb", "DescribeTable", error);
            if failure.code == "ResourceNotFoundException" { Ok(None) } else { Err(failure) }
        }
    }
}

fn table_not_ready(name: &str, what: &str) -> Failure {
    Failure::local(
        "dynamodb",
        "DescribeTable",
        if what == "ACTIVE" { "TableNotReady" } else { "TableNotDeleted" },
        format!("{name}: still not {what} after three minutes"),
    )
}

/// Waits until the table `name` is `ACTIVE`, as the SDK's `table_exists` waiter does (which
/// also treats a table not found yet as not ready).
pub async fn table_active(clients: &Clients, name: &str) -> Result<(), Failure> {
    use aws_sdk_dynamodb::types::TableStatus;
    let what = Localized::new(
        format!("테이블 {name}이(가) ACTIVE가 되기를"),
        format!("the table {name} to become ACTIVE"),
    );
    poll(
        clients,
        what,
        || table_not_ready(name, "ACTIVE"),
        || async {
            let status = table_status(clients, name).await?;
            Ok(status == Some(TableStatus::Active) || !clients.settle.keeps_time())
        },
    )
    .await
}

/// Waits until the table `name` is gone after a `DeleteTable`, as the SDK's `table_not_exists`
/// waiter does: a table is `DELETING`, and still listed, for a moment first.
pub async fn table_gone(clients: &Clients, name: &str) -> Result<(), Failure> {
    if !clients.settle.keeps_time() {
        return Ok(());
    }
    let what = Localized::new(
        format!("테이블 {name}이(가) 지워지기를"),
        format!("the table {name} to be deleted"),
    );
    poll(
        clients,
        what,
        || table_not_ready(name, "deleted"),
        || async { Ok(table_status(clients, name).await?.is_none()) },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_opens_a_window_only_where_changes_take_time() {
        let aws = Settle::aws();
        assert_eq!(aws.deadline(), None, "nothing changed yet");
        aws.changed();
        let deadline = aws.deadline().expect("a window after a change");
        assert!(deadline > Instant::now() + AWS_WINDOW - Duration::from_secs(5));

        let instant = Settle::instant();
        instant.changed();
        assert_eq!(instant.deadline(), None);
        assert!(!instant.keeps_time());
    }

    #[test]
    fn only_refusals_for_now_are_transient() {
        let failure = |code: &str, message: &str| Failure::local("lambda", "X", code, message);
        assert!(is_transient(&failure(
            "InvalidParameterValueException",
            "The role defined for the function cannot be assumed by Lambda."
        )));
        assert!(is_transient(&failure(
            "ResourceConflictException",
            "The operation cannot be performed at this time. An update is in progress for \
             resource: arn:aws:lambda:ap-northeast-2:000000000000:function:f"
        )));
        assert!(!is_transient(&failure("ResourceConflictException", "Function already exist: f")));
        assert!(!is_transient(&failure(
            "InvalidParameterValueException",
            "The runtime parameter of python2.7 is no longer supported"
        )));
        assert!(is_transient(&failure("TooManyRequestsException", "Too Many Requests")));
    }

    #[test]
    fn pauses_grow_to_two_seconds() {
        assert!(pause(0) < pause(2));
        assert_eq!(pause(30), Duration::from_secs(2));
    }
}
